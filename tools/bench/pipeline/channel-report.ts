// The tables of the mixed-channel and failing-provider runs, and the loud notice of a lost message.
import type { ChannelName } from '@switchboard/contracts';
import type { ChannelFigures, ChannelPhase, FailingFigures, MixedFigures } from './channel-runs';
import { percentile, type PhaseResult } from './phases';
import { formatInteger, formatMilliseconds, renderTable } from './report';
import { CHANNEL_SENDER_ENV, TARGETS, WORKLOAD } from './workload';

const CHANNEL_HEADINGS: Record<ChannelName, string> = {
  email: 'email',
  sms: 'SMS',
  push: 'push',
  inapp: 'in-app',
};

interface Target {
  comparison: '>=' | '<=';
  value: number;
}

export function describeChannelRuns(runs: { mixed: boolean; failing: boolean }): string {
  const { mixed, failing } = WORKLOAD;
  const settings = (service: keyof typeof CHANNEL_SENDER_ENV) =>
    Object.entries(CHANNEL_SENDER_ENV[service])
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
  const lines = [
    '  channels (mixed, failing): the six services plus sender-sms, sender-push and sender-inapp on a broker of ' +
      'their own; SES emulator, SNS emulator and a local push service (which decrypts every push) each in a ' +
      'process of their own; each message names one channel and has a recipient of its own (push: registered ' +
      'with a subscription of its own through the API; in-app: read back from its inbox with a recipient token)',
    `    sender-sms: ${settings('sender-sms')}; sender-push: ${settings('sender-push')} ` +
      '(the default rate limits, 20 SMS/s and 500 pushes/s, would be measured instead of the pipeline)',
    `    warm-up: ${mixed.warmUp.messages} messages over the four channels, not measured`,
  ];
  if (runs.mixed) {
    lines.push(
      `    mixed: ${formatInteger(mixed.saturation.messages)} messages, the channels in turn, ` +
        `${mixed.saturation.batchSize} per batch request, ${mixed.saturation.concurrentRequests} in flight; then ` +
        `${mixed.steady.messagesPerSecond} msgs/s for ${mixed.steady.seconds} s, one request per message`,
    );
  }
  if (runs.failing) {
    lines.push(
      `    failing: ${formatInteger(failing.messages)} SMS in batches of ${failing.batchSize}, ` +
        `${failing.concurrentRequests} in flight, the SNS emulator failing ` +
        `${Math.round(failing.faults.failureRate * 100)}% of Publish calls with HTTP ${failing.faults.status} ` +
        'until every message is sent or given up on',
    );
  }
  lines.push(
    "    latency = accept -> sent: the gateway's acceptance time to the sender's 'sent' event (right after the " +
      'provider answered; in-app: when the item was stored in the inbox)',
    '    lost = accepted with 202, never at the provider or in the inbox, and no failure reported; must be 0',
  );
  return lines.join('\n');
}

export function printMixedChannels(figures: MixedFigures): void {
  const { saturation, steady } = figures;
  const steadyRate = `${WORKLOAD.mixed.steady.messagesPerSecond} msgs/s`;
  const zero: Target = { comparison: '<=', value: 0 };
  const rows: Row[] = [
    phaseRow(saturation, 'saturation: messages', (f) => f.result.messages, formatInteger),
    phaseRow(
      saturation,
      'saturation: throughput, first request -> last send (msgs/s)',
      (f) => sentPerSecond(f.result),
      formatInteger,
      { comparison: '>=', value: TARGETS.messagesPerSecond },
    ),
    phaseRow(
      saturation,
      'saturation: accept -> sent p50 (ms)',
      (f) => acceptedToSent(f.result, 50),
      formatMilliseconds,
    ),
    phaseRow(
      saturation,
      'saturation: accept -> sent p99 (ms)',
      (f) => acceptedToSent(f.result, 99),
      formatMilliseconds,
    ),
    phaseRow(steady, `${steadyRate}: messages`, (f) => f.result.messages, formatInteger),
    phaseRow(
      steady,
      `${steadyRate}: accept -> sent p50 (ms)`,
      (f) => acceptedToSent(f.result, 50),
      formatMilliseconds,
    ),
    phaseRow(
      steady,
      `${steadyRate}: accept -> sent p99 (ms)`,
      (f) => acceptedToSent(f.result, 99),
      formatMilliseconds,
      { comparison: '<=', value: TARGETS.steadyP99LatencyMs },
    ),
    bothPhasesRow(figures, 'given up on (failed, skipped), both phases', (f) => f.result.notSent),
    bothPhasesRow(figures, 'lost, both phases (must be 0)', (f) => f.lost.length, zero),
    bothPhasesRow(
      figures,
      'arrived twice at the provider or in the inbox, both phases (must be 0)',
      (f) => f.result.outbox.duplicates,
      zero,
    ),
  ];
  console.log(
    "\n[mixed channels] each channel's messages and all of them (a target applies to the 'all' column):",
  );
  console.log(
    renderTable(
      [
        'figure',
        ...saturation.byChannel.map(({ channel }) => CHANNEL_HEADINGS[channel]),
        'all',
        'target',
        'met',
      ],
      rows.map((row) => {
        const all = row.cells[row.cells.length - 1];
        return [
          row.label,
          ...row.cells.map((cell) => format(cell, row.format)),
          row.target ? `${row.target.comparison} ${row.format(row.target.value)}` : '',
          row.target === undefined ? '' : all === undefined ? 'n/a' : meets(all, row.target) ? 'OK' : 'MISS',
        ];
      }),
    ),
  );
  console.log(
    `the platform was idle again ${saturation.settleSeconds.toFixed(1)} s after the last send of the saturation ` +
      'phase (analytics catching up); throughput counts up to the last send',
  );
  printLost('mixed channels', [...saturation.all.lost, ...steady.all.lost]);
}

export function printFailingProvider(figures: FailingFigures): void {
  const { phase, providerCalls } = figures;
  const { result, lost, retries } = phase.all;
  const { faults } = WORKLOAD.failing;
  const zero: Target = { comparison: '<=', value: 0 };
  const failedShare = providerCalls.total === 0 ? 0 : providerCalls.failed / providerCalls.total;
  const lastOutcomeSeconds = (result.lastSentAt - result.firstRequestAt) / 1000;
  const rows: Array<{ label: string; value: string; target?: Target; actual?: number }> = [
    { label: 'SMS accepted', value: formatInteger(result.messages) },
    { label: 'sent', value: formatInteger(result.sent) },
    { label: 'dead-lettered after their retries', value: formatInteger(retries.deadLettered) },
    {
      label: 'otherwise given up on (failed, skipped)',
      value: formatInteger(result.notSent - retries.deadLettered),
    },
    { label: 'lost (must be 0)', value: formatInteger(lost.length), target: zero, actual: lost.length },
    {
      label: 'sent twice at the SNS emulator (must be 0)',
      value: formatInteger(result.outbox.duplicates),
      target: zero,
      actual: result.outbox.duplicates,
    },
    {
      label: 'throughput, first request -> last send (msgs/s)',
      value: format(sentPerSecond(result), formatInteger),
    },
    { label: 'last send, after the first request (s)', value: lastOutcomeSeconds.toFixed(1) },
    { label: 'accept -> sent p50 (ms)', value: format(acceptedToSent(result, 50), formatMilliseconds) },
    { label: 'accept -> sent p99 (ms)', value: format(acceptedToSent(result, 99), formatMilliseconds) },
    {
      label: 'accept -> sent max (ms)',
      value: format(
        result.acceptedToSentMs.length === 0 ? undefined : Math.max(...result.acceptedToSentMs),
        formatMilliseconds,
      ),
    },
    {
      label: 'Publish calls at the SNS emulator',
      value: `${formatInteger(providerCalls.total)} (${formatInteger(providerCalls.failed)} failed = ${(failedShare * 100).toFixed(1)}%)`,
    },
    { label: "'attempt-failed' events", value: formatInteger(retries.attemptsFailed) },
    {
      label: "'retry-scheduled' events (after a failed call, or put off while the circuit was open)",
      value: formatInteger(retries.retriesScheduled),
    },
    { label: 'times the circuit opened', value: formatInteger(retries.circuitsOpened) },
  ];
  console.log(
    `\n[failing provider] SMS only, the SNS emulator failing ${Math.round(faults.failureRate * 100)}% of calls ` +
      `with HTTP ${faults.status} for the whole run:`,
  );
  console.log(
    renderTable(
      ['figure', 'value', 'target', 'met'],
      rows.map((row) => [
        row.label,
        row.value,
        row.target ? `${row.target.comparison} ${row.target.value}` : '',
        row.target === undefined || row.actual === undefined
          ? ''
          : meets(row.actual, row.target)
            ? 'OK'
            : 'MISS',
      ]),
    ),
  );
  if (!phase.finished) {
    console.log(
      `the bench stopped waiting with ${result.unsent} SMS neither sent nor given up on (no progress for ` +
        `${WORKLOAD.stallTimeoutMs / 1000} s)`,
    );
  }
  printLost('failing provider', lost);
}

/** Printed where nobody can miss it: a lost message breaks the platform's promise. */
export function printLost(run: string, lost: readonly string[]): void {
  if (lost.length === 0) return;
  const bar = '!'.repeat(100);
  console.error(
    [
      '',
      bar,
      `!!! ${run}: ${lost.length} MESSAGE(S) LOST: accepted with 202, never at the provider or in the inbox, ` +
        'and no failure reported',
      `!!! message ids: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', ...' : ''}`,
      bar,
    ].join('\n'),
  );
}

interface Row {
  label: string;
  /** One per channel, then all channels. */
  cells: Array<number | undefined>;
  format: (value: number) => string;
  target?: Target;
}

/** The last lines of the bench: every run's lost messages, loudly when there are any. */
export function printLostTotals(lost: ReadonlyArray<{ run: string; count: number }>): void {
  console.log(
    '\nLost messages (accepted, never delivered, no failure reported; must be 0): ' +
      lost.map(({ run, count }) => `${run}: ${count}`).join('; '),
  );
  const runs = lost.filter(({ count }) => count > 0);
  if (runs.length === 0) return;
  const bar = '!'.repeat(100);
  console.error(
    [
      '',
      bar,
      ...runs.map(
        ({ run, count }) => `!!! ${count} MESSAGE(S) LOST in ${run} (see that run's output for the ids)`,
      ),
      bar,
    ].join('\n'),
  );
}

function phaseRow(
  phase: ChannelPhase,
  label: string,
  value: (figures: ChannelFigures) => number | undefined,
  format: (value: number) => string,
  target?: Target,
): Row {
  return {
    label,
    cells: [...phase.byChannel.map(({ figures }) => value(figures)), value(phase.all)],
    format,
    ...(target ? { target } : {}),
  };
}

/** A count over the saturation and the steady phase together. */
function bothPhasesRow(
  figures: MixedFigures,
  label: string,
  value: (figures: ChannelFigures) => number,
  target?: Target,
): Row {
  const { saturation, steady } = figures;
  const ofChannel = (phase: ChannelPhase, channel: ChannelName) =>
    phase.byChannel.find((entry) => entry.channel === channel)?.figures;
  const count = (figures: ChannelFigures | undefined) => (figures === undefined ? 0 : value(figures));
  return {
    label,
    cells: [
      ...saturation.byChannel.map(
        ({ channel }) => count(ofChannel(saturation, channel)) + count(ofChannel(steady, channel)),
      ),
      value(saturation.all) + value(steady.all),
    ],
    format: formatInteger,
    ...(target ? { target } : {}),
  };
}

/** Sent messages per second, from the first request to the last send. */
function sentPerSecond(result: PhaseResult): number | undefined {
  if (result.sent === 0 || result.lastSentAt <= result.firstRequestAt) return undefined;
  return result.sent / ((result.lastSentAt - result.firstRequestAt) / 1000);
}

function acceptedToSent(result: PhaseResult, percent: number): number | undefined {
  return result.acceptedToSentMs.length === 0 ? undefined : percentile(result.acceptedToSentMs, percent);
}

function meets(value: number, target: Target): boolean {
  return target.comparison === '>=' ? value >= target.value : value <= target.value;
}

function format(value: number | undefined, formatter: (value: number) => string): string {
  return value === undefined ? '-' : formatter(value);
}
