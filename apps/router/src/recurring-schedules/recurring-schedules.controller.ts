import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  CreateScheduleRequest,
  ScheduleId,
  type ScheduleListView,
  type ScheduleView,
  TenantId,
  UpdateScheduleRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { CreateRecurringSchedule } from './create-recurring-schedule.usecase';
import { DeleteRecurringSchedule } from './delete-recurring-schedule.usecase';
import { GetRecurringSchedules } from './get-recurring-schedules.usecase';
import { UpdateRecurringSchedule } from './update-recurring-schedule.usecase';

const TenantPath = z.object({ tenantId: TenantId });
const SchedulePath = z.object({ tenantId: TenantId, scheduleId: ScheduleId });

/** Internal: the gateway forwards /v1/schedules here. */
@Controller('internal/tenants/:tenantId/schedules')
export class RecurringSchedulesController {
  constructor(
    private readonly createSchedule: CreateRecurringSchedule,
    private readonly getSchedules: GetRecurringSchedules,
    private readonly updateSchedule: UpdateRecurringSchedule,
    private readonly deleteSchedule: DeleteRecurringSchedule,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@Param() path: unknown, @Body() body: unknown): Promise<ScheduleView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.createSchedule.execute(tenantId, parseInput(CreateScheduleRequest, body));
  }

  @Get()
  list(@Param() path: unknown): Promise<ScheduleListView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.getSchedules.list(tenantId);
  }

  @Get(':scheduleId')
  get(@Param() path: unknown): Promise<ScheduleView> {
    const { tenantId, scheduleId } = parseInput(SchedulePath, path, 'path');
    return this.getSchedules.one(tenantId, scheduleId);
  }

  @Patch(':scheduleId')
  update(@Param() path: unknown, @Body() body: unknown): Promise<ScheduleView> {
    const { tenantId, scheduleId } = parseInput(SchedulePath, path, 'path');
    return this.updateSchedule.execute(tenantId, scheduleId, parseInput(UpdateScheduleRequest, body));
  }

  @Delete(':scheduleId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param() path: unknown): Promise<void> {
    const { tenantId, scheduleId } = parseInput(SchedulePath, path, 'path');
    await this.deleteSchedule.execute(tenantId, scheduleId);
  }
}
