/**
 * Each key's limits: a monthly spend cap, a tokens-per-minute ceiling and the models it may use,
 * kept in the database (so every instance enforces the same ones) and read again every few
 * seconds. A request is refused before any provider is called when its key has already spent its
 * month or its minute; what a fleet can overshoot by is what it spends between two reads.
 */

import type { Kysely } from 'kysely';
import type { Tables } from '../../database/tables';
import { AppError } from '../../errors';
import type { ModelEntry } from '../registry';
import { qualifiedName } from '../route-policy';
import type { UsageStore } from './store';

export interface KeyBudget {
  keyName: string;
  /** USD per calendar month (in the ISP's time zone); null for no cap. */
  monthlyBudgetUsd: number | null;
  tokensPerMinute: number | null;
  /** Model names (`gpt-4o-mini` or `openai/gpt-4o-mini`) the key may be served by; null for all. */
  allowedModels: string[] | null;
  updatedAt: string;
}

export interface BudgetsOptions {
  /** How old a spend or token total may be when a request is checked against it. */
  totalsMaxAgeMs: number;
  now?: () => number;
  onRefusal?: (keyName: string, reason: 'budget_exceeded' | 'rate_limited') => void;
}

const SECONDS_PER_MINUTE = 60;

export class Budgets {
  private byKey = new Map<string, KeyBudget>();
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly usage: UsageStore,
    private readonly options: BudgetsOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Reads every key's limits again (at start, every few seconds, and after an admin change here). */
  async refresh(): Promise<void> {
    const rows = await this.db.selectFrom('key_budgets').selectAll().execute();
    this.byKey = new Map(
      rows.map((row) => [
        row.key_name,
        {
          keyName: row.key_name,
          monthlyBudgetUsd: row.monthly_budget_micros === null ? null : Number(row.monthly_budget_micros) / 1_000_000,
          tokensPerMinute: row.tokens_per_minute === null ? null : Number(row.tokens_per_minute),
          allowedModels: row.allowed_models === null ? null : (JSON.parse(row.allowed_models) as string[]),
          updatedAt: new Date(Number(row.updated_at)).toISOString(),
        },
      ]),
    );
  }

  list(): KeyBudget[] {
    return [...this.byKey.values()].sort((a, b) => a.keyName.localeCompare(b.keyName));
  }

  of(keyName: string): KeyBudget | null {
    return this.byKey.get(keyName) ?? null;
  }

  async set(budget: Omit<KeyBudget, 'updatedAt'>): Promise<KeyBudget> {
    const row = {
      key_name: budget.keyName,
      monthly_budget_micros: budget.monthlyBudgetUsd === null ? null : Math.round(budget.monthlyBudgetUsd * 1_000_000),
      tokens_per_minute: budget.tokensPerMinute,
      allowed_models: budget.allowedModels === null ? null : JSON.stringify(budget.allowedModels),
      updated_at: this.now(),
    };
    await this.db
      .insertInto('key_budgets')
      .values(row)
      .onConflict((conflict) => conflict.column('key_name').doUpdateSet(row))
      .execute();
    await this.refresh();
    return this.of(budget.keyName)!;
  }

  async remove(keyName: string): Promise<boolean> {
    const result = await this.db.deleteFrom('key_budgets').where('key_name', '=', keyName).executeTakeFirst();
    await this.refresh();
    return Number(result.numDeletedRows) > 0;
  }

  /** Whether a key may be served by a model (its allow list, when it has one). */
  allows(keyName: string): ((model: ModelEntry) => boolean) | undefined {
    const allowed = this.byKey.get(keyName)?.allowedModels;
    if (!allowed) return undefined;
    const names = new Set(allowed);
    return (model) => names.has(model.id) || names.has(qualifiedName(model));
  }

  /** Spent this month and tokens this minute, for a key with limits (null figures for a key without). */
  async standing(keyName: string): Promise<{ monthSpendUsd: number | null; tokensLastMinute: number | null }> {
    const budget = this.byKey.get(keyName);
    const maxAge = this.options.totalsMaxAgeMs;
    return {
      monthSpendUsd: budget?.monthlyBudgetUsd == null ? null : (await this.usage.monthSpendMicros(keyName, maxAge)) / 1_000_000,
      tokensLastMinute: budget?.tokensPerMinute == null ? null : await this.usage.tokensLastMinute(keyName, maxAge),
    };
  }

  /** Throws 429 `budget_exceeded` or `rate_limited` when the key is over a limit; resolves otherwise. */
  async admit(keyName: string): Promise<void> {
    const budget = this.byKey.get(keyName);
    if (!budget || (budget.monthlyBudgetUsd === null && budget.tokensPerMinute === null)) return;
    const { monthSpendUsd, tokensLastMinute } = await this.standing(keyName);
    if (budget.monthlyBudgetUsd !== null && monthSpendUsd !== null && monthSpendUsd >= budget.monthlyBudgetUsd) {
      this.options.onRefusal?.(keyName, 'budget_exceeded');
      throw new AppError('budget_exceeded', {
        details: { monthlyBudgetUsd: budget.monthlyBudgetUsd, spentUsd: Number(monthSpendUsd.toFixed(6)) },
        retryAfterSeconds: this.secondsToNextMonth(),
      });
    }
    if (budget.tokensPerMinute !== null && tokensLastMinute !== null && tokensLastMinute >= budget.tokensPerMinute) {
      this.options.onRefusal?.(keyName, 'rate_limited');
      throw new AppError('rate_limited', {
        message: 'Esta clave usó todos sus tokens del último minuto. Intente de nuevo en un momento.',
        details: { tokensPerMinute: budget.tokensPerMinute, tokensLastMinute },
        retryAfterSeconds: SECONDS_PER_MINUTE,
      });
    }
  }

  /** Seconds until the next month starts in the ISP's time zone (to the hour: Retry-After needs no more). */
  private secondsToNextMonth(): number {
    const today = this.usage.day(this.now());
    const [year, month] = today.split('-').map(Number) as [number, number];
    const next = Date.UTC(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1);
    return Math.max(60, Math.ceil((next - this.now()) / 1000));
  }
}
