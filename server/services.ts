import type { MetaAccount } from './channels/meta/graph-api';
import type { TwilioAccount } from './channels/twilio/messages-api';
import type { Config } from './config/settings';
import type { SubjectCatalogue } from './domain/ticket-subjects';
import type { ApiKeyRegistry } from './guards/api-keys';
import type { Idempotency } from './guards/idempotency';
import type { IdentityGuard } from './guards/identity-guard';
import type { PaymentReferences } from './guards/payment-references';
import type { PendingServiceTask, PendingStore } from './guards/pending-store';
import type { RateLimiter } from './guards/rate-limit';
import type { ShelfMaker } from './guards/shelf';
import type { VerificationTokens } from './guards/verification';
import type { ResponseMemo } from './http/response-memo';
import type { Books } from './llm/books';
import type { LlmSetup } from './llm/setup';
import type { AuditTrail } from './observability/audit';
import type { Logger } from './observability/logger';
import type { Mutex } from './redis/redis-lock';
import type { SharedState } from './redis/shared-state';
import type { PendingTicketRecord } from './tickets/records';
import type { WispHubGateway } from './wisphub/gateway';
import type { ProbeRunner } from './wisphub/probe/probe-runner';

export interface ChannelSettings {
  /** CHANNEL_API_KEY (or the development key with the simulators); null when channels have no key. */
  apiKey: string | null;
  twilio: TwilioAccount | null;
  meta: MetaAccount | null;
  /** Where this service listens (set once it does): the default webhook URL on the simulators. */
  selfUrl: string;
}

/** What every procedure can reach: settings and the gateway, never raw HTTP. */
export interface Services {
  config: Config;
  gateway: WispHubGateway;
  apiKeys: ApiKeyRegistry;
  logger: Logger;
  now: () => Date;
  subjects: SubjectCatalogue;
  /** The ISP's own phrases for its own subjects (folded subject → phrases), for suggestions. */
  subjectSynonyms: ReadonlyMap<string, readonly string[]>;
  extraHolidays: ReadonlySet<string>;
  /** Technician for tickets when the caller names none (config, or the simulator's first). */
  defaultTechnicianId: number | null;
  idempotency: Idempotency;
  /** Ticket creates answered 202 while their upstream outcome is settled (routers/tickets/pending.ts, tickets/records.ts). */
  pendingTickets: PendingStore<PendingTicketRecord>;
  /** Reconnects and suspends answered `pending`, by task id, until service.taskStatus sees them end. */
  pendingServiceTasks: PendingStore<PendingServiceTask>;
  zoneLocks: Mutex;
  /** One person's channel messages, one at a time (across instances with Redis). */
  personLocks: Mutex;
  /** Small records kept a while by key (conversations, transcripts, message ids): Redis across instances. */
  shelf: ShelfMaker;
  /** Requests per key. */
  rateLimiter: RateLimiter;
  /** Requests per end user of a key (X-End-User), on top of the key's. */
  endUserLimiter: RateLimiter;
  /** Requests without a valid key, per client address. */
  addressLimiter: RateLimiter;
  identityGuard: IdentityGuard;
  /** Signs and checks the customer verification tokens `clients.verify` issues. */
  verification: VerificationTokens;
  memo: ResponseMemo;
  /** Every money or service-state action, recorded before upstream is called and settled after. */
  audit: AuditTrail;
  /** Payment references already used (reports and registrations each in their own scope). */
  paymentReferences: PaymentReferences;
  /** The read-only probe of the tenant this service talks to, run from the console (rate limited). */
  probe: ProbeRunner;
  /** Redis-backed state shared by every instance; null without REDIS_URL. */
  shared: SharedState | null;
  /** The LLM half: its request path (/v1), registry and providers. */
  llm: LlmSetup;
  /** Usage, budgets, the provider key vault and the gateway keys admins create (one database). */
  books: Books;
  /** The WhatsApp channels: the key they act with, Twilio's account (or its simulator), this service's own URL. */
  channels: ChannelSettings;
}
