// The footprint bench's tables: CPU and memory per process, and the summary against issue 11's targets.
import type { CpuUsage, LabelledProcess } from '../pipeline/process-cpu';
import { renderTable } from '../pipeline/report';
import { SERVICES_HOST_LABEL } from './process-tree';

export const TARGETS = {
  idleCores: 0.05,
  serviceResidentBytes: 150 * 1024 * 1024,
  totalResidentBytes: 1024 * 1024 * 1024,
  readySeconds: 15,
};

/** Resident memory of each process at one moment, by label. */
export type MemorySnapshot = Map<string, number>;

export interface FootprintFigures {
  readySeconds: number;
  idle: CpuUsage;
  /** The launcher's CPU in the idle phase by thread id: its main thread runs the broker and emulators. */
  launcherThreads: { mainThreadId: number; seconds: Map<number, number> };
  atRest: MemorySnapshot;
  /** Proportional set sizes of the same moment: the platform's memory with shared pages counted once. */
  proportionalAtRest: MemorySnapshot;
  afterSaturation?: {
    messages: number;
    arrived: number;
    seconds: number;
    memory: MemorySnapshot;
    proportional: MemorySnapshot;
  };
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const share = (cores: number) => `${(cores * 100).toFixed(1)}%`;

export function memorySnapshot(processes: LabelledProcess[], resident: (pid: number) => number | undefined) {
  const snapshot: MemorySnapshot = new Map();
  for (const { label, pid } of processes) {
    const bytes = resident(pid);
    if (bytes !== undefined) snapshot.set(label, bytes);
  }
  return snapshot;
}

/** CPU over the idle phase and memory per process, the launcher first, then in the order found. */
export function renderProcesses(figures: FootprintFigures): string {
  const { idle, atRest, afterSaturation } = figures;
  const wall = Math.max(idle.wallSeconds, 0.001);
  const labels = [
    ...new Set([...idle.byLabel.keys(), ...atRest.keys(), ...(afterSaturation?.memory.keys() ?? [])]),
  ];
  const rows = labels.map((label) => {
    const cpu = idle.byLabel.get(label);
    const rest = atRest.get(label);
    const after = afterSaturation?.memory.get(label);
    return [
      label,
      cpu ? cpu.seconds.toFixed(2) : '-',
      cpu ? share(cpu.seconds / wall) : '-',
      cpu ? share(cpu.peakCores) : '-',
      rest === undefined ? '-' : megabytes(rest),
      ...(afterSaturation ? [after === undefined ? '-' : megabytes(after)] : []),
    ];
  });
  const cpuSeconds = totalCpuSeconds(idle);
  rows.push([
    'platform, in all',
    cpuSeconds.toFixed(2),
    share(cpuSeconds / wall),
    '',
    megabytes(sum(atRest)),
    ...(afterSaturation ? [megabytes(sum(afterSaturation.memory))] : []),
  ]);
  const others = Math.max(0, idle.machineBusySeconds - cpuSeconds);
  rows.push([
    'other processes on the machine',
    others.toFixed(2),
    share(others / wall),
    '',
    '',
    ...(afterSaturation ? [''] : []),
  ]);
  return renderTable(
    [
      'process',
      'idle CPU s',
      'of a core',
      'peak 1-s',
      'RSS at rest',
      ...(afterSaturation ? [`RSS after ${afterSaturation.messages} messages`] : []),
    ],
    rows,
  );
}

export function renderLauncherThreads(
  threads: FootprintFigures['launcherThreads'],
  wallSeconds: number,
  shown = 5,
): string {
  const busiest = [...threads.seconds].filter(([, seconds]) => seconds > 0).sort((a, b) => b[1] - a[1]);
  const named = (id: number) =>
    id === threads.mainThreadId ? 'main thread (broker, emulators, push service)' : `thread ${id}`;
  const row = (name: string, seconds: number) => [
    name,
    seconds.toFixed(2),
    share(seconds / Math.max(wallSeconds, 0.001)),
  ];
  const rest = busiest.slice(shown).reduce((total, [, seconds]) => total + seconds, 0);
  return renderTable(
    ['thread', 'idle CPU s', 'of a core'],
    [
      ...busiest.slice(0, shown).map(([id, seconds]) => row(named(id), seconds)),
      ...(rest > 0
        ? [row(`${busiest.length - shown} other thread${busiest.length - shown === 1 ? '' : 's'}`, rest)]
        : []),
    ],
  );
}

/** The platform's memory with shared pages counted once, at rest and after the saturation run. */
export function describeProportionalMemory(figures: FootprintFigures): string {
  const after = figures.afterSaturation
    ? `, ${megabytes(sum(figures.afterSaturation.proportional))} after the saturation run`
    : '';
  return (
    `PSS in all (each shared page split between the processes that map it, so nothing counts twice): ` +
    `${megabytes(sum(figures.proportionalAtRest))} at rest${after}`
  );
}

/**
 * `isService` tells a service's own process; `serviceCount` services share the services host's
 * process when there is one (SERVICES_HOST_LABEL), whose RSS is then held to that many services' target.
 */
export function renderSummary(
  figures: FootprintFigures,
  isService: (label: string) => boolean,
  serviceCount: number,
): string {
  const idleCores = totalCpuSeconds(figures.idle) / Math.max(figures.idle.wallSeconds, 0.001);
  const largestService = (memory: MemorySnapshot) => {
    const services = [...memory].filter(([label]) => isService(label));
    if (services.length === 0) return undefined;
    return services.reduce((largest, entry) => (entry[1] > largest[1] ? entry : largest));
  };
  const hostAtRest = figures.atRest.get(SERVICES_HOST_LABEL);
  const hostAfter = figures.afterSaturation?.memory.get(SERVICES_HOST_LABEL);
  const hostTarget = serviceCount * TARGETS.serviceResidentBytes;
  const hostFigure = (bytes: number) =>
    `${megabytes(bytes)} (${serviceCount} services, ${megabytes(bytes / serviceCount)} each)`;
  const largestAtRest = largestService(figures.atRest);
  const largestAfter = figures.afterSaturation && largestService(figures.afterSaturation.memory);
  const row = (label: string, value: string, target: string, met: boolean | undefined) => [
    label,
    value,
    target,
    met === undefined ? 'n/a' : met ? 'OK' : 'MISS',
  ];
  const rows = [
    row(
      `whole platform, no traffic, ${figures.idle.wallSeconds.toFixed(0)} s (of a core)`,
      share(idleCores),
      `<= ${share(TARGETS.idleCores)}`,
      idleCores <= TARGETS.idleCores,
    ),
    ...(hostAtRest === undefined
      ? []
      : [
          row(
            'services host RSS after a saturation run',
            hostAfter === undefined ? 'not run (--saturation=N)' : hostFigure(hostAfter),
            `<= ${megabytes(hostTarget)}`,
            hostAfter === undefined ? undefined : hostAfter <= hostTarget,
          ),
          row(
            'services host RSS at rest',
            hostFigure(hostAtRest),
            `<= ${megabytes(hostTarget)}`,
            hostAtRest <= hostTarget,
          ),
        ]),
    row(
      'largest service RSS after a saturation run',
      largestAfter ? `${megabytes(largestAfter[1])} (${largestAfter[0]})` : 'not run (--saturation=N)',
      `<= ${megabytes(TARGETS.serviceResidentBytes)}`,
      largestAfter ? largestAfter[1] <= TARGETS.serviceResidentBytes : undefined,
    ),
    row(
      'largest service RSS at rest (before any traffic)',
      largestAtRest ? `${megabytes(largestAtRest[1])} (${largestAtRest[0]})` : '-',
      `<= ${megabytes(TARGETS.serviceResidentBytes)}`,
      largestAtRest ? largestAtRest[1] <= TARGETS.serviceResidentBytes : undefined,
    ),
    row(
      'npm start total RSS at rest',
      megabytes(sum(figures.atRest)),
      `<= ${megabytes(TARGETS.totalResidentBytes)}`,
      sum(figures.atRest) <= TARGETS.totalResidentBytes,
    ),
    ...(figures.afterSaturation
      ? [
          row(
            'npm start total RSS after the saturation run',
            megabytes(sum(figures.afterSaturation.memory)),
            `<= ${megabytes(TARGETS.totalResidentBytes)}`,
            sum(figures.afterSaturation.memory) <= TARGETS.totalResidentBytes,
          ),
        ]
      : []),
    row(
      'npm start ready (spawn -> "Switchboard is running")',
      `${figures.readySeconds.toFixed(1)} s`,
      `<= ${TARGETS.readySeconds} s`,
      figures.readySeconds <= TARGETS.readySeconds,
    ),
  ];
  return renderTable(['figure', 'measured', 'target', 'met'], rows);
}

function totalCpuSeconds(usage: CpuUsage): number {
  return [...usage.byLabel.values()].reduce((total, { seconds }) => total + seconds, 0);
}

function sum(memory: MemorySnapshot): number {
  return [...memory.values()].reduce((total, bytes) => total + bytes, 0);
}
