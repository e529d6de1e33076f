// The runs on the platform with every channel sender: messages spread evenly over email, SMS, push
// and in-app (mixed channels), then SMS alone with the SNS emulator failing a share of the calls
// for the whole run (failing provider). Each phase waits until every message is sent or given up
// on, then until the platform is idle, then asks the sandboxes what arrived.
import type { ChannelName } from '@switchboard/contracts';
import type { ChannelSandboxes } from './channel-sandboxes';
import type { DistributedPipeline } from './distributed-pipeline';
import {
  submitInBatches,
  submitOnSchedule,
  summarisePhase,
  waitUntilDone,
  type PhaseResult,
  type Submitted,
  type SubmittedPhase,
} from './phases';
import type { CpuMeter, CpuUsage } from './process-cpu';
import { channelMessages, MIXED_CHANNELS, WORKLOAD, type ChannelMessage } from './workload';

export interface RetryTotals {
  attemptsFailed: number;
  retriesScheduled: number;
  circuitsOpened: number;
  deadLettered: number;
}

/** Some of a phase's messages (one channel's, or all), and what became of them. */
export interface ChannelFigures {
  result: PhaseResult;
  /** Accepted, never at the provider or in the inbox, and no failure reported: must be none. */
  lost: string[];
  retries: RetryTotals;
}

export interface ChannelPhase {
  name: string;
  all: ChannelFigures;
  byChannel: Array<{ channel: ChannelName; figures: ChannelFigures }>;
  /** Every message was sent or given up on before the bench stopped waiting. */
  finished: boolean;
  /** From the last send until the services were idle again. */
  settleSeconds: number;
}

export interface MixedFigures {
  saturation: ChannelPhase;
  steady: ChannelPhase;
}

export interface FailingFigures {
  phase: ChannelPhase;
  /** Publish calls the SNS emulator answered during the run, and how many it failed. */
  providerCalls: { total: number; failed: number };
}

export class ChannelRuns {
  private readonly say: (line: string) => void;
  private readonly warmUpMessages: ChannelMessage[];
  private readonly mixedMessages: { saturation: ChannelMessage[]; steady: ChannelMessage[] } | undefined;

  /** `mixed`: the mixed run will be measured, so its push recipients are registered before the warm-up. */
  constructor(
    private readonly pipeline: DistributedPipeline,
    private readonly sandboxes: ChannelSandboxes,
    private readonly meter: CpuMeter,
    options: { mixed: boolean },
  ) {
    this.say = (line) => console.log(`[${pipeline.name}] ${line}`);
    const { warmUp, saturation, steady } = WORKLOAD.mixed;
    this.warmUpMessages = channelMessages('channels-warm-up', warmUp.messages, MIXED_CHANNELS);
    this.mixedMessages = options.mixed
      ? {
          saturation: channelMessages('channels-saturation', saturation.messages, MIXED_CHANNELS),
          steady: channelMessages(
            'channels-steady',
            steady.messagesPerSecond * steady.seconds,
            MIXED_CHANNELS,
          ),
        }
      : undefined;
  }

  /** Registers the push recipients every phase will use, then warms every channel up (not measured). */
  async warmUp(): Promise<void> {
    const { warmUp } = WORKLOAD.mixed;
    const toRegister = [
      ...this.warmUpMessages,
      ...(this.mixedMessages ? [...this.mixedMessages.saturation, ...this.mixedMessages.steady] : []),
    ];
    const startedAt = performance.now();
    await this.sandboxes.registerPushRecipients(this.pipeline, toRegister);
    const registered = toRegister.filter((message) => message.channels[0] === 'push').length;
    this.say(
      `registered ${registered} push recipients, each with a subscription of its own, in ` +
        `${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );

    this.say(`warm-up: ${warmUp.messages} messages over the four channels, not measured`);
    const phase = await submitInBatches<ChannelMessage>(
      this.pipeline,
      'channels-warm-up',
      this.warmUpMessages,
      warmUp,
    );
    const figures = await this.finish('warm-up', phase);
    await this.sandboxes.clear();
    if (figures.all.result.sent !== figures.all.result.messages) {
      throw new Error(`the channel warm-up did not get through: ${describeChannelPhase(figures)}`);
    }
  }

  /** Every channel at once: batches as fast as the platform accepts them, then a steady low rate. */
  async mixedChannels(): Promise<MixedFigures> {
    if (!this.mixedMessages) throw new Error('the channel runs were set up without the mixed run');
    const { saturation, steady } = WORKLOAD.mixed;
    this.say(`saturation: ${saturation.messages} messages over the four channels...`);
    const saturationPhase = await submitInBatches<ChannelMessage>(
      this.pipeline,
      'channels-saturation',
      this.mixedMessages.saturation,
      saturation,
      this.meter,
    );
    const saturationFigures = await this.finish('saturation', saturationPhase, this.meter);
    await this.sandboxes.clear();
    this.say(`saturation: ${describeChannelPhase(saturationFigures)}`);

    this.say(`steady: ${steady.messagesPerSecond} msgs/s for ${steady.seconds} s over the four channels...`);
    const steadyPhase = await submitOnSchedule<ChannelMessage>(
      this.pipeline,
      'channels-steady',
      this.mixedMessages.steady,
      steady.messagesPerSecond,
    );
    const steadyFigures = await this.finish('steady', steadyPhase);
    await this.sandboxes.clear();
    this.say(`steady: ${describeChannelPhase(steadyFigures)}`);
    return { saturation: saturationFigures, steady: steadyFigures };
  }

  /** SMS alone while the SNS emulator fails a share of the Publish calls, until each is sent or given up on. */
  async failingProvider(): Promise<FailingFigures> {
    const { messages, batchSize, concurrentRequests, faults } = WORKLOAD.failing;
    const { sns } = this.sandboxes;
    this.say(
      `failing provider: ${messages} SMS while the SNS emulator fails ${Math.round(faults.failureRate * 100)}% ` +
        `of calls with ${faults.status}...`,
    );
    await this.sandboxes.clear();
    await sns.faults.set(faults);
    try {
      const phase = await submitInBatches<ChannelMessage>(
        this.pipeline,
        'failing',
        channelMessages('failing', messages, ['sms']),
        { batchSize, concurrentRequests },
      );
      const figures = await this.finish('failing provider', phase);
      const attempts = await sns.attempts();
      this.say(`failing provider: ${describeChannelPhase(figures)}`);
      return {
        phase: figures,
        providerCalls: {
          total: attempts.length,
          failed: attempts.filter((attempt) => attempt.outcome === 'failed').length,
        },
      };
    } finally {
      await sns.faults.clear();
      await this.sandboxes.clear();
    }
  }

  /** Waits for every message's outcome and for the platform to be idle, then counts what arrived. */
  private async finish(
    name: string,
    phase: SubmittedPhase<ChannelMessage>,
    meter?: CpuMeter,
  ): Promise<ChannelPhase> {
    const finished = await waitUntilDone(
      this.pipeline,
      phase.submitted.map(({ messageId }) => messageId),
    );
    const cpu =
      meter && phase.cpuFrom !== undefined ? meter.usage(phase.cpuFrom, await meter.mark()) : undefined;
    // Idle first, so that a late second copy or a late event is counted too.
    const settled = await this.pipeline.settle();
    const copies = await this.sandboxes.deliveredCopies(this.pipeline, phase.submitted);
    const channels = MIXED_CHANNELS.filter((channel) =>
      phase.submitted.some(({ message }) => message.channels[0] === channel),
    );
    return {
      name,
      all: this.figures(phase, phase.submitted, copies, cpu),
      byChannel: channels.map((channel) => ({
        channel,
        figures: this.figures(
          phase,
          phase.submitted.filter(({ message }) => message.channels[0] === channel),
          copies,
        ),
      })),
      finished,
      settleSeconds: Math.max(0, settled.seconds),
    };
  }

  private figures(
    phase: SubmittedPhase<ChannelMessage>,
    messages: ReadonlyArray<Submitted<ChannelMessage>>,
    copies: ReadonlyMap<string, number>,
    cpu?: CpuUsage,
  ): ChannelFigures {
    let missing = 0;
    let duplicates = 0;
    const lost: string[] = [];
    const retries: RetryTotals = {
      attemptsFailed: 0,
      retriesScheduled: 0,
      circuitsOpened: 0,
      deadLettered: 0,
    };
    for (const { messageId } of messages) {
      const received = copies.get(messageId) ?? 0;
      if (received === 0) {
        missing += 1;
        if (!this.pipeline.notSent.has(messageId)) lost.push(messageId);
      }
      duplicates += Math.max(0, received - 1);
      const counts = this.pipeline.retries.get(messageId);
      if (counts) {
        retries.attemptsFailed += counts.attemptsFailed;
        retries.retriesScheduled += counts.retriesScheduled;
        retries.circuitsOpened += counts.circuitsOpened;
        retries.deadLettered += counts.deadLettered ? 1 : 0;
      }
    }
    return {
      result: summarisePhase(this.pipeline, phase, messages, { missing, duplicates }, cpu),
      lost,
      retries,
    };
  }
}

/** One line per phase while the bench runs; the tables come at the end of the run. */
export function describeChannelPhase(phase: ChannelPhase): string {
  const { result, lost } = phase.all;
  return (
    `${result.sent} of ${result.messages} sent, ${result.notSent} given up on, ${lost.length} lost, ` +
    `${result.outbox.duplicates} arrived twice` +
    (phase.finished ? '' : ' (the bench stopped waiting: no progress for the stall timeout)') +
    (result.notSentReasons.length > 0 ? `; not sent: ${result.notSentReasons.join('; ')}` : '')
  );
}
