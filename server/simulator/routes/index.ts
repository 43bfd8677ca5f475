/** The whole route table, in the order upstream's URL patterns are tried (gates before the routes they hide). */

import type { SimRoute } from '../routing';
import { BILLING_ROUTES } from './billing';
import { CATALOGUE_ROUTES } from './catalogue';
import { CLIENT_ROUTES } from './clients';
import { TASK_ROUTES } from './tasks';
import { TICKET_ROUTES } from './tickets';

export const SIMULATOR_ROUTES: readonly SimRoute[] = [
  ...CLIENT_ROUTES,
  ...TASK_ROUTES,
  ...CATALOGUE_ROUTES,
  ...TICKET_ROUTES,
  ...BILLING_ROUTES,
];
