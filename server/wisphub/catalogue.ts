/** Plans (`/api/plan-internet/`) and payment methods (`/api/formas-de-pago/`), cached whole. */

import { z } from 'zod';
import type { PaymentMethod, Plan, PlanType, PlanWithDetail } from '../domain/catalogue';
import { parseSpeedKbps } from '../domain/speed';
import { AppError } from '../errors';
import { type CacheResult, SwrCache } from '../upstream/swr-cache';
import { fetchAllPages } from './paginate';
import { UPSTREAM_PATHS } from './paths';
import { upstreamNumber } from './schemas';
import { UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

const PLAN_TYPE_BY_TEXT: Record<string, PlanType> = { pppoe: 'pppoe', 'simple queue': 'simple_queue', pcq: 'pcq' };
const DETAIL_PATH: Partial<Record<PlanType, 'pppoe' | 'queue'>> = { pppoe: 'pppoe', simple_queue: 'queue' };

const upstreamPlanSchema = z.object({
  id: z.coerce.number().int().positive(),
  nombre: z.string(),
  precio: upstreamNumber.nullish(),
  tipo: z
    .string()
    .transform((text) => PLAN_TYPE_BY_TEXT[text.trim().toLowerCase()])
    .pipe(z.enum(['pppoe', 'simple_queue', 'pcq'])),
});

const upstreamPlanDetailSchema = z.object({
  bajada: z.union([z.string(), z.number()]).transform(String).nullish(),
  subida: z.union([z.string(), z.number()]).transform(String).nullish(),
});

const upstreamPaymentMethodSchema = z.object({ id: z.coerce.number().int(), nombre: z.string() });

/** A subject of `/api/tickets/asuntos-tickets/`: `{id, nombre}` as read so far; `asunto` or a bare string read too. */
const upstreamSubjectSchema = z.union([
  z.string().trim().min(1),
  z.object({ nombre: z.string().trim().min(1) }).transform((item) => item.nombre),
  z.object({ asunto: z.string().trim().min(1) }).transform((item) => item.asunto),
]);

export interface CatalogueTtls {
  plansMs: number;
  paymentMethodsMs: number;
}

export type PlanDetail = Pick<PlanWithDetail, 'download' | 'upload' | 'detailUnavailableReason'>;

const speed = (raw: string | null | undefined) => (raw ? { kbps: parseSpeedKbps(raw), raw } : null);

export class CatalogueGateway {
  readonly plansCache: SwrCache<Plan[]>;
  readonly planDetailCache: SwrCache<PlanDetail>;
  readonly paymentMethodsCache: SwrCache<PaymentMethod[]>;
  /** The ISP's ticket subjects; null when upstream has no such endpoint (a fallback catalogue applies). */
  readonly ticketSubjectsCache: SwrCache<string[] | null>;

  constructor(
    private readonly upstream: UpstreamContext,
    ttls: CatalogueTtls,
  ) {
    const common = { staleMs: upstream.staleMs, onRefreshError: upstream.onRefreshError };
    this.plansCache = new SwrCache({ name: 'plans', freshMs: ttls.plansMs, max: 1, ...common });
    this.planDetailCache = new SwrCache({ name: 'plan_details', freshMs: ttls.plansMs, max: 5000, ...common });
    this.paymentMethodsCache = new SwrCache({ name: 'payment_methods', freshMs: ttls.paymentMethodsMs, max: 1, ...common });
    this.ticketSubjectsCache = new SwrCache({ name: 'ticket_subjects', freshMs: ttls.plansMs, max: 1, ...common });
  }

  /**
   * The ISP's own subject catalogue (every page), refreshed like plans. Null when the endpoint does
   * not exist at this ISP (a 404: cached, so it is not asked again until the TTL). A catalogue
   * whose every item is unreadable is an error, never an empty catalogue.
   */
  ticketSubjects(): Promise<CacheResult<string[] | null>> {
    return this.ticketSubjectsCache.get('all', async () => {
      try {
        const load = await fetchAllPages(
          this.upstream.transport,
          UPSTREAM_PATHS.ticketSubjects,
          {},
          upstreamSubjectSchema,
          this.upstream.paging,
        );
        this.upstream.stats.skippedItems += load.skipped;
        if (load.items.length === 0 && load.skipped > 0) {
          throw new AppError('upstream_bad_response', {
            internal: { endpoint: UPSTREAM_PATHS.ticketSubjects, problem: 'no readable subject' },
          });
        }
        return load.items;
      } catch (error) {
        if (error instanceof UpstreamNotFoundError) return null;
        throw error;
      }
    });
  }

  plans(): Promise<CacheResult<Plan[]>> {
    return this.plansCache.get('all', async () => {
      const load = await fetchAllPages(this.upstream.transport, UPSTREAM_PATHS.plans, {}, upstreamPlanSchema, this.upstream.paging);
      this.upstream.stats.skippedItems += load.skipped;
      return load.items
        .map((item) => ({ id: item.id, name: item.nombre.trim(), price: item.precio ?? null, type: item.tipo }))
        .sort((a, b) => a.id - b.id);
    });
  }

  /** A plan's speeds from the detail endpoint of its type (cached per plan). */
  planDetail(plan: Plan): Promise<CacheResult<PlanDetail>> {
    return this.planDetailCache.get(String(plan.id), () => this.loadDetail(plan));
  }

  paymentMethods(): Promise<CacheResult<PaymentMethod[]>> {
    return this.paymentMethodsCache.get('all', async () => {
      const load = await fetchAllPages(
        this.upstream.transport,
        UPSTREAM_PATHS.paymentMethods,
        {},
        upstreamPaymentMethodSchema,
        this.upstream.paging,
      );
      this.upstream.stats.skippedItems += load.skipped;
      return load.items.map((item) => ({ id: item.id, name: item.nombre.trim() })).sort((a, b) => a.id - b.id);
    });
  }

  private async loadDetail(plan: Plan): Promise<PlanDetail> {
    const path = DETAIL_PATH[plan.type];
    if (!path) return { download: null, upload: null, detailUnavailableReason: 'pcq_has_no_detail_endpoint' };
    try {
      const raw = await this.upstream.transport.get(UPSTREAM_PATHS.planDetail(path, plan.id));
      const parsed = upstreamPlanDetailSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: `/api/plan-internet/${path}/:id/` } });
      return { download: speed(parsed.data.bajada), upload: speed(parsed.data.subida), detailUnavailableReason: null };
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return { download: null, upload: null, detailUnavailableReason: 'detail_not_found' };
      throw error;
    }
  }
}
