/** Steps to undo what was started, run in reverse order, each once, even when the run fails. */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];

  /** Registers a step; the returned function runs it now instead of at the end. */
  add(name: string, run: () => Promise<void>): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index === -1) return;
      this.steps.splice(index, 1);
      await step.run();
    };
  }

  async runAll(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      const { name } = step;
      await step.run().catch((error: unknown) => {
        console.error(`cleanup: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }
}
