import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiKeyId,
  ApiKeyList,
  ApiKeyView,
  CreateApiKeyRequest,
  CreatedApiKey,
  RotateApiKeyRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import type { ApiKeyPrincipal } from '../auth/principal';
import { RequirePermission } from '../auth/route-access';
import { CallingKey } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { ManageApiKeys } from './manage-api-keys.usecase';

const ApiKeyPath = z.object({ keyId: ApiKeyId });

const BEYOND_OWN =
  'API_KEY_BEYOND_OWN_PERMISSIONS: the key asked for (or acted on) holds permissions the calling key lacks';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ManageApiKeys) {}

  @Post()
  @RequirePermission('api-keys:write')
  @ApiOperation({
    summary: 'Create an API key with a role or a list of permissions; the key is shown this once',
  })
  @ApiBody({ schema: openApiSchema(CreateApiKeyRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(CreatedApiKey, 'output') })
  async create(@CallingKey() caller: ApiKeyPrincipal, @Body() body: unknown): Promise<CreatedApiKey> {
    return this.apiKeys.create(caller, parseInput(CreateApiKeyRequest, body));
  }

  @Get()
  @RequirePermission('api-keys:read')
  @ApiOperation({ summary: "The tenant's API keys, revoked ones included; never the keys themselves" })
  @ApiOkResponse({ schema: openApiSchema(ApiKeyList, 'output') })
  async list(@CallingKey() caller: ApiKeyPrincipal): Promise<ApiKeyList> {
    return { apiKeys: await this.apiKeys.list(caller.tenantId) };
  }

  @Post(':keyId/revoke')
  @HttpCode(200)
  @RequirePermission('api-keys:write')
  @ApiOperation({
    summary: 'Revoke a key: it stops working at once here, and on every gateway within API_KEY_CACHE_TTL',
  })
  @ApiOkResponse({ schema: openApiSchema(ApiKeyView, 'output') })
  @ApiNotFoundResponse({ description: 'API_KEY_NOT_FOUND' })
  async revoke(@CallingKey() caller: ApiKeyPrincipal, @Param() path: unknown): Promise<ApiKeyView> {
    const { keyId } = parseInput(ApiKeyPath, path, 'path');
    return this.apiKeys.revoke(caller, keyId);
  }

  @Post(':keyId/rotate')
  @RequirePermission('api-keys:write')
  @ApiOperation({
    summary: 'Replace a key with a new one of the same name and permissions',
    description: `The old key keeps working for \`overlapSeconds\` (default one day) so callers can switch. ${BEYOND_OWN}.`,
  })
  @ApiBody({ schema: openApiSchema(RotateApiKeyRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(CreatedApiKey, 'output') })
  @ApiNotFoundResponse({ description: 'API_KEY_NOT_FOUND' })
  @ApiConflictResponse({ description: 'API_KEY_NOT_ROTATABLE: revoked, expired or already rotated' })
  async rotate(
    @CallingKey() caller: ApiKeyPrincipal,
    @Param() path: unknown,
    @Body() body: unknown,
  ): Promise<CreatedApiKey> {
    const { keyId } = parseInput(ApiKeyPath, path, 'path');
    return this.apiKeys.rotate(caller, keyId, parseInput(RotateApiKeyRequest, body ?? {}));
  }
}
