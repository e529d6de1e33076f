import { type DynamicModule, Module } from '@nestjs/common';

/**
 * Makes an app's one validated config object injectable everywhere by its token:
 * `ConfigModule.forRoot(ROUTER_CONFIG, config)` in the app module, then
 * `@Inject(ROUTER_CONFIG) config: RouterConfig` wherever a provider needs a setting.
 */
@Module({})
export class ConfigModule {
  static forRoot<Config extends object>(token: symbol, config: Config): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: token, useValue: config }],
      exports: [token],
    };
  }
}
