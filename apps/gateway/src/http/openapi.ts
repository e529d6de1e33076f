import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document at /docs (UI) and /docs-json. */
export function serveOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription(
        'Send messages, manage templates and follow what happened to each message. ' +
          'Errors are RFC 9457 problem documents (application/problem+json) naming each bad field.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Your API key' })
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'A platform operator key (OPERATOR_API_KEYS)' },
        'operator',
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
