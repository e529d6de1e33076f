import { Body, Controller, Delete, Get, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  CreateScheduleRequest,
  ScheduleId,
  ScheduleListView,
  ScheduleView,
  UpdateScheduleRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { RouterScheduleClient } from './router-schedule-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'SCHEDULE_REQUEST_REJECTED';

const SchedulePath = z.object({ scheduleId: ScheduleId });

/** Recurring schedules live in the router, whose replicas send their runs; the gateway forwards. */
@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: RouterScheduleClient) {}

  @Post()
  @RequirePermission('schedules:write')
  @ApiOperation({
    summary: 'Send a message at every run of a cron expression read in a time zone',
    description:
      'Runs missed while Switchboard was down are sent once when it is back, or skipped when older than ' +
      'toleranceSeconds. Each run is a message of its own, with its own id and timeline.',
  })
  @ApiBody({ schema: openApiSchema(CreateScheduleRequest) })
  @ApiCreatedResponse({ schema: openApiSchema(ScheduleView, 'output') })
  @ApiUnprocessableEntityResponse({ description: 'The schedule would never run (no run before endAt)' })
  async create(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const request = parseInput(CreateScheduleRequest, body);
    return passThrough(reply, await this.schedules.create(tenantId, request), REJECTED);
  }

  @Get()
  @RequirePermission('schedules:read')
  @ApiOperation({ summary: "The tenant's recurring schedules, oldest first, each with its next runs" })
  @ApiOkResponse({ schema: openApiSchema(ScheduleListView, 'output') })
  async list(@Tenant() tenantId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return passThrough(reply, await this.schedules.list(tenantId), REJECTED);
  }

  @Get(':scheduleId')
  @RequirePermission('schedules:read')
  @ApiOperation({ summary: 'A recurring schedule, its next five runs, last run and skipped runs' })
  @ApiOkResponse({ schema: openApiSchema(ScheduleView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such schedule' })
  async get(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { scheduleId } = parseInput(SchedulePath, path, 'path');
    return passThrough(reply, await this.schedules.get(tenantId, scheduleId), REJECTED);
  }

  @Patch(':scheduleId')
  @RequirePermission('schedules:write')
  @ApiOperation({
    summary: 'Pause or resume a schedule (status), or change its cron, zone, message, tolerance or window',
    description:
      'A resumed schedule starts again from its next run after now: runs passed while paused are not sent.',
  })
  @ApiBody({ schema: openApiSchema(UpdateScheduleRequest) })
  @ApiOkResponse({ schema: openApiSchema(ScheduleView, 'output') })
  @ApiNotFoundResponse({ description: 'The tenant has no such schedule' })
  async update(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { scheduleId } = parseInput(SchedulePath, path, 'path');
    const request = parseInput(UpdateScheduleRequest, body);
    return passThrough(reply, await this.schedules.update(tenantId, scheduleId, request), REJECTED);
  }

  @Delete(':scheduleId')
  @RequirePermission('schedules:write')
  @ApiOperation({ summary: 'Delete a schedule; messages of runs already sent are not affected' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'The tenant has no such schedule' })
  async delete(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { scheduleId } = parseInput(SchedulePath, path, 'path');
    return passThrough(reply, await this.schedules.delete(tenantId, scheduleId), REJECTED);
  }
}
