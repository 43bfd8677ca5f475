/** Plans and payment methods in English domain terms. */

export const PLAN_TYPES = ['pppoe', 'simple_queue', 'pcq'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

export interface Plan {
  id: number;
  name: string;
  /** Monthly price in pesos. */
  price: number | null;
  type: PlanType;
}

export interface PlanSpeed {
  /** Parsed speed; null when the upstream text could not be read. */
  kbps: number | null;
  /** The upstream text as written ("10M", "10240k", "10 Mbps"). */
  raw: string;
}

export type PlanDetailUnavailable = 'pcq_has_no_detail_endpoint' | 'detail_not_found';

export interface PlanWithDetail extends Plan {
  download: PlanSpeed | null;
  upload: PlanSpeed | null;
  detailUnavailableReason: PlanDetailUnavailable | null;
}

export interface PaymentMethod {
  id: number;
  name: string;
}
