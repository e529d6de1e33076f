import {
  compileEmailTemplate,
  type CompiledEmailTemplate,
  type EmailTemplateSource,
} from './compile-email-template';

export interface CompiledTemplateCacheOptions {
  /** Least recently used versions are dropped beyond this; default 500. */
  maxEntries?: number;
  /** Defaults to compileEmailTemplate; tests pass a counting one. */
  compile?: (source: EmailTemplateSource) => Promise<CompiledEmailTemplate>;
}

const DEFAULT_MAX_ENTRIES = 500;

/**
 * Compiled templates by template version id. A version never changes, so an entry never goes stale;
 * the bound only caps memory. Concurrent gets of one version share a single compile.
 */
export class CompiledTemplateCache {
  private readonly maxEntries: number;
  private readonly compile: (source: EmailTemplateSource) => Promise<CompiledEmailTemplate>;
  // A Map iterates in insertion order, so re-inserting on every hit keeps the least recent first.
  private readonly entries = new Map<string, Promise<CompiledEmailTemplate>>();

  constructor(options: CompiledTemplateCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
    this.compile = options.compile ?? compileEmailTemplate;
  }

  get size(): number {
    return this.entries.size;
  }

  /** `source` is read only on a miss: it must be the content of `versionId`. */
  get(versionId: string, source: EmailTemplateSource): Promise<CompiledEmailTemplate> {
    const cached = this.entries.get(versionId);
    if (cached) {
      this.entries.delete(versionId);
      this.entries.set(versionId, cached);
      return cached;
    }
    const compiling = this.compile(source);
    this.entries.set(versionId, compiling);
    // A failed compile is not kept: the next get tries again and reports the error afresh.
    compiling.catch(() => {
      if (this.entries.get(versionId) === compiling) this.entries.delete(versionId);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return compiling;
  }
}
