import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  channelsOf,
  CreateTemplateRequest,
  CreateTemplateVersionRequest,
  TemplateKey,
  type TemplateListView,
  type TemplateVersionView,
  type TemplateView,
  TenantId,
} from '@switchboard/contracts';
import { parseInput, ProblemException } from '@switchboard/service-kit';
import { z } from 'zod';
import { CreateTemplateVersionUsecase } from './create-template-version.usecase';
import { CreateTemplateUsecase } from './create-template.usecase';
import { TemplateApiError, type TemplateApiErrorCode } from './template-api.error';
import {
  TemplateRepository,
  type TemplateDetails,
  type TemplateSummary,
  type TemplateVersionDetails,
} from './template.repository';

const TenantPath = z.strictObject({ tenantId: TenantId });
const TemplatePath = z.strictObject({ tenantId: TenantId, key: TemplateKey });

/** Internal: the gateway has authenticated the tenant and proxies /v1/templates here. */
@Controller('internal/tenants/:tenantId/templates')
export class TemplatesController {
  constructor(
    private readonly createTemplate: CreateTemplateUsecase,
    private readonly createTemplateVersion: CreateTemplateVersionUsecase,
    private readonly templates: TemplateRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Param() path: Record<string, string>, @Body() body: unknown): Promise<TemplateView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const request = parseInput(CreateTemplateRequest, body);
    return toTemplateView(await asProblem(this.createTemplate.execute(tenantId, request)));
  }

  @Get()
  async list(@Param() path: Record<string, string>): Promise<TemplateListView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const templates = await this.templates.list(tenantId);
    return { templates: templates.map(toTemplateView) };
  }

  @Get(':key')
  async find(@Param() path: Record<string, string>): Promise<TemplateView> {
    const { tenantId, key } = parseInput(TemplatePath, path, 'path');
    const template = await this.templates.find(tenantId, key);
    if (!template)
      throw problemFor(new TemplateApiError('TEMPLATE_NOT_FOUND', `template ${key} does not exist`));
    return toTemplateView(template);
  }

  @Post(':key/versions')
  @HttpCode(201)
  async addVersion(@Param() path: Record<string, string>, @Body() body: unknown): Promise<TemplateView> {
    const { tenantId, key } = parseInput(TemplatePath, path, 'path');
    const request = parseInput(CreateTemplateVersionRequest, body);
    await asProblem(this.createTemplateVersion.execute(tenantId, key, request));
    // The whole template answers, so the caller sees the new version as current among the others.
    return this.find(path);
  }
}

const STATUS_BY_CODE: Record<TemplateApiErrorCode, number> = {
  TEMPLATE_KEY_TAKEN: 409,
  TEMPLATE_NOT_FOUND: 404,
  INVALID_TEMPLATE: 422,
};

async function asProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw error instanceof TemplateApiError ? problemFor(error) : error;
  }
}

function problemFor(error: TemplateApiError): ProblemException {
  const extensions = error.problems.length > 0 ? { errors: error.problems } : {};
  return new ProblemException(STATUS_BY_CODE[error.code], error.code, error.message, extensions);
}

function toTemplateView(template: TemplateSummary | TemplateDetails): TemplateView {
  return {
    key: template.key,
    name: template.name,
    channel: template.channel,
    channels: template.channels,
    currentVersion: template.currentVersion,
    createdAt: template.createdAt.toISOString(),
    ...('versions' in template ? { versions: template.versions.map(toVersionView) } : {}),
  };
}

function toVersionView({ version, createdAt, ...parts }: TemplateVersionDetails): TemplateVersionView {
  return { version, channels: channelsOf(parts), ...parts, createdAt: createdAt.toISOString() };
}
