import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { type ServiceTokenSecrets, ServiceTokenVerifier } from '@switchboard/security';
import { ServiceCredentialGuard } from './service-credential.guard';

export interface ServiceAccessOptions {
  /** This service's name: credentials must be issued for it. */
  audience: string;
  /**
   * SERVICE_TOKEN_SECRETS. Omitted by a service that serves only public routes (health, routes
   * with their own end-user or provider authentication): any other route is then refused.
   */
  secrets?: ServiceTokenSecrets;
}

/** Installs the service credential guard on every route of the app (global, fail closed). */
@Module({})
export class ServiceAccessModule {
  static forRoot(options: ServiceAccessOptions): DynamicModule {
    // Built here, at module creation, so a weak secret stops the service before it listens.
    const verifier =
      options.secrets === undefined ? undefined : new ServiceTokenVerifier(options.secrets, options.audience);
    return {
      module: ServiceAccessModule,
      providers: [
        {
          provide: APP_GUARD,
          useFactory: (reflector: Reflector) =>
            new ServiceCredentialGuard(reflector, options.audience, verifier),
          inject: [Reflector],
        },
      ],
    };
  }
}
