/**
 * Seeded, realistic WispHub Net data in the upstream's own Spanish shape. Nothing here is
 * shared with the gateway: it is a second, independent reading of docs/upstream.md.
 */

import { dayMonthYearTime, pad } from './dates';
import { placeDocumentedCustomers } from './documented';
import { SeededRandom } from './random';

export interface SimulatorDataOptions {
  seed: number;
  clients: number;
  plans: number;
  tickets: number;
  zones: number;
}

export type JsonRecord = Record<string, unknown>;

export interface SimZone {
  id: number;
  nombre: string;
}

export interface SimPlan {
  id: number;
  nombre: string;
  precio: string;
  tipo: 'PPPOE' | 'Simple Queue' | 'PCQ';
  bajada: string;
  subida: string;
}

export interface SimulatorData {
  zones: SimZone[];
  plans: SimPlan[];
  clients: JsonRecord[];
  tickets: JsonRecord[];
  paymentMethods: { id: number; nombre: string }[];
  technicians: { id: number; nombre: string }[];
  /** Every secret value planted in client records, so tests can prove none leaks. */
  secrets: Set<string>;
}

/** Marker carried by every planted password and PPPoE credential. */
export const SECRET_MARKER = 'S3CR3T';

const FIRST_NAMES = [
  'José',
  'María',
  'Luis',
  'Ana',
  'Jesús',
  'Ángela',
  'Andrés',
  'Sofía',
  'Julián',
  'Camila',
  'Germán',
  'Lucía',
  'Óscar',
  'Mónica',
  'Héctor',
  'Inés',
  'Martín',
  'Valentina',
  'Sebastián',
  'Paola',
  'Nicolás',
  'Daniela',
  'Ramón',
  'Yolanda',
  'Iván',
  'Natalia',
  'Fabián',
  'Gloria',
  'Efraín',
  'Marisol',
];
const LAST_NAMES = [
  'Peña',
  'Muñoz',
  'Gómez',
  'Rodríguez',
  'Martínez',
  'García',
  'López',
  'Hernández',
  'González',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Díaz',
  'Jiménez',
  'Ibáñez',
  'Castaño',
  'Ordóñez',
  'Londoño',
  'Patiño',
  'Zúñiga',
  'Cárdenas',
  'Rincón',
  'Beltrán',
  'Suárez',
  'Agudelo',
  'Montaño',
  'Quiñones',
  'Valencia',
];
const PLACE_NAMES = [
  'La Esperanza',
  'El Rosal',
  'San José',
  'Santa Lucía',
  'El Porvenir',
  'La Unión',
  'Buenos Aires',
  'El Carmen',
  'Villa Nueva',
  'Los Almendros',
  'Ceiba',
  'Peñas Blancas',
  'La Ñeque',
  'Alto Bonito',
];
const CITIES: [string, string][] = [
  ['Villavicencio', 'Meta'],
  ['Granada', 'Meta'],
  ['Acacías', 'Meta'],
  ['Puerto López', 'Meta'],
  ['Yopal', 'Casanare'],
  ['Cumaral', 'Meta'],
  ['Restrepo', 'Meta'],
];
const CLIENT_STATES: [string, number][] = [
  ['Activo', 0.7],
  ['Suspendido', 0.15],
  ['Cancelado', 0.1],
  ['Gratis', 0.05],
];
const BILLING_STATES = ['Al día', 'Pendiente de pago', 'Vencida', 'Sin facturas'];
/** Ticket states and priorities by their upstream number (1-4), in order. */
export const TICKET_STATES = ['Nuevo', 'En Progreso', 'Resuelto', 'Cerrado'];
export const TICKET_PRIORITIES = ['Baja', 'Normal', 'Alta', 'Muy Alta'];
const TICKET_SUBJECTS = [
  'Internet Lento',
  'No Tiene Internet',
  'Internet Intermitente',
  'Cambio de Domicilio',
  'Antena Dañada',
  'Cambio de Contraseña en Router Wifi',
  'Cable UTP Dañado',
  'Reconexión',
  'Caja Nap Dañada',
];

function pickWeighted(random: SeededRandom, options: [string, number][]): string {
  let roll = random.next();
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return options[options.length - 1]![0];
}

function makeZones(random: SeededRandom, count: number): SimZone[] {
  const zones: SimZone[] = [];
  for (let id = 1; id <= count; id++) {
    const kind = random.pick(['Zona', 'Vereda', 'Sector', 'Nodo']);
    zones.push({ id, nombre: `${kind} ${PLACE_NAMES[(id - 1) % PLACE_NAMES.length]}${id > PLACE_NAMES.length ? ` ${id}` : ''}` });
  }
  return zones;
}

function speedText(random: SeededRandom, megabits: number): string {
  const style = random.int(0, 2);
  if (style === 0) return `${megabits}M`;
  if (style === 1) return `${megabits * 1024}k`;
  return `${megabits} Mbps`;
}

function makePlans(random: SeededRandom, count: number): SimPlan[] {
  const plans: SimPlan[] = [];
  for (let id = 1; id <= count; id++) {
    const tipo = id % 5 === 0 ? 'PCQ' : id % 2 === 0 ? 'Simple Queue' : 'PPPOE';
    const down = random.pick([3, 5, 8, 10, 15, 20, 30, 50, 100]);
    const up = Math.max(1, Math.round(down / random.pick([2, 4, 5])));
    const label = random.pick(['Hogar', 'Rural', 'Empresarial', 'Fibra', 'Básico', 'Plus']);
    const price = down * 4000 + random.int(0, 6) * 5000 + 30000;
    plans.push({
      id,
      nombre: `Plan ${label} ${down}M${id > 9 ? ` ${id}` : ''}`,
      precio: price.toFixed(2),
      tipo,
      bajada: speedText(random, down),
      subida: speedText(random, up),
    });
  }
  return plans;
}

function makeAddress(random: SeededRandom): string {
  const place = random.pick(PLACE_NAMES);
  switch (random.int(0, 5)) {
    case 0:
      return `Vereda ${place}`;
    case 1:
      return `Vda ${place} finca ${random.pick(['El Edén', 'La Ilusión', 'Villa Sofía', 'Los Pinos'])}`;
    case 2:
      return `B/ ${place} Mz ${random.pick(['A', 'B', 'C', 'D'])} Cs ${random.int(1, 30)}`;
    case 3:
      return `Barrio ${place} Cra ${random.int(1, 40)} # ${random.int(1, 90)}-${random.int(1, 99)}`;
    case 4:
      return `Calle ${random.int(1, 80)} # ${random.int(1, 50)}-${random.int(1, 99)}`;
    default:
      return `Cra ${random.int(1, 40)} # ${random.int(1, 90)}-${random.int(1, 99)} ${place}`;
  }
}

function mobile(random: SeededRandom): string {
  return `3${random.pick(['00', '01', '02', '10', '11', '12', '13', '14', '15', '20', '21', '50'])}${random.digits(7)}`;
}

function makePhone(random: SeededRandom): string | null {
  const roll = random.int(0, 9);
  if (roll === 0) return null;
  if (roll === 1) return '';
  if (roll === 2) return `${mobile(random)} / ${mobile(random)}`;
  if (roll === 3) return `+57 ${mobile(random).replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3')}`;
  if (roll === 4) return `${mobile(random)}, 608 ${random.digits(7)}`;
  if (roll === 5) return mobile(random).replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3');
  return mobile(random);
}

function makeDocument(random: SeededRandom, serviceId: number): string | null {
  const roll = random.int(0, 19);
  if (roll === 0) return null;
  const digits = `${random.int(1, 9)}${random.digits(random.pick([7, 9]))}${String(serviceId % 10)}`;
  if (roll < 6) return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  if (roll === 6) return `${digits.slice(0, 4)} ${digits.slice(4)}`;
  return digits;
}

function customerIp(random: SeededRandom, serviceId: number): string {
  if (serviceId % 7 === 0) return `100.64.${random.int(0, 255)}.${random.int(2, 254)}`;
  if (serviceId % 11 === 0) return `192.168.${random.int(0, 255)}.${random.int(2, 254)}`;
  return `10.${random.int(10, 40)}.${random.int(0, 255)}.${random.int(2, 254)}`;
}

function makeClient(
  random: SeededRandom,
  serviceId: number,
  plans: SimPlan[],
  zones: SimZone[],
  routers: JsonRecord[],
  technicians: { id: number; nombre: string }[],
  secrets: Set<string>,
): JsonRecord {
  // Duplicate full names happen in real tenants: every 97th client reuses an earlier name pattern.
  const nameRandom = serviceId % 97 === 0 ? new SeededRandom(serviceId % 5) : random;
  const first = nameRandom.pick(FIRST_NAMES);
  const second = nameRandom.pick(FIRST_NAMES);
  const firstNames = nameRandom.chance(0.3) && second !== first ? `${first} ${second}` : first;
  const lastNames = `${nameRandom.pick(LAST_NAMES)} ${nameRandom.pick(LAST_NAMES)}`;
  const plan = random.pick(plans);
  const zone = zones[(serviceId * 7) % zones.length]!;
  const router = routers[zone.id % routers.length]!;
  const [city, department] = random.pick(CITIES);
  const estado = pickWeighted(random, CLIENT_STATES);
  const planPrice = random.chance(0.9) ? plan.precio : (Number(plan.precio) - 5000).toFixed(2);
  const installed = new Date(
    Date.UTC(2019 + random.int(0, 6), random.int(0, 11), random.int(1, 28), random.int(7, 18), random.int(0, 59), random.int(0, 59)),
  );
  const latitude = `${random.int(3, 5)}.${random.digits(6)}71337`;
  const longitude = `-${random.int(72, 74)}.${random.digits(6)}71337`;
  const planted = {
    password_servicio: `${SECRET_MARKER}-svc-${serviceId}`,
    password_router: `${SECRET_MARKER}-router-${serviceId}`,
    password_wifi: `${SECRET_MARKER}-wifi-${serviceId}`,
    usuario_pppoe: `${SECRET_MARKER}-pppoe-user-${serviceId}`,
    password_pppoe: `${SECRET_MARKER}-pppoe-pass-${serviceId}`,
    coordenadas: `${latitude},${longitude}`,
  };
  for (const value of Object.values(planted)) secrets.add(value);
  secrets.add(latitude);
  secrets.add(longitude);
  const technician = random.chance(0.8) ? random.pick(technicians) : null;
  return {
    id_servicio: serviceId,
    usuario: `cliente${serviceId}`,
    nombre: `${firstNames} ${lastNames}`,
    nombres: firstNames,
    apellidos: lastNames,
    cedula: makeDocument(random, serviceId),
    telefono: makePhone(random),
    email: random.chance(0.6) ? `cliente${serviceId}@correo.example` : null,
    direccion: random.chance(0.97) ? makeAddress(random) : '',
    localidad: random.chance(0.8) ? random.pick(PLACE_NAMES) : null,
    ciudad: city,
    departamento: department,
    estado,
    estado_facturas: random.pick(BILLING_STATES),
    saldo: (random.chance(0.6) ? 0 : random.int(1, 40) * 5000).toFixed(2),
    plan_internet: { id: plan.id, nombre: plan.nombre },
    precio_plan: planPrice,
    descuento: '0.00',
    zona: { id: zone.id, nombre: zone.nombre },
    router,
    ip: customerIp(random, serviceId),
    mac_cpe: `E4:8D:8C:${random.digits(2)}:${random.digits(2)}:${random.digits(2)}`,
    fecha_corte: `${random.int(1, 28)}/${pad(random.int(1, 12))}/2026`,
    fecha_instalacion: dayMonthYearTime(installed, true),
    ultimo_cambio: `${pad(random.int(1, 28))}/${pad(random.int(1, 12))}/2026 ${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:00`,
    tecnico: technician,
    comentarios: random.chance(0.2) ? 'Cliente prefiere contacto por WhatsApp' : null,
    forma_contratacion: random.pick(['Contrato 12 meses', 'Sin permanencia']),
    tipo_conexion: plan.tipo === 'PPPOE' ? 'PPPoE' : 'Estática',
    ap: `AP-${zone.id}-${random.int(1, 4)}`,
    sn_onu: random.chance(0.3) ? `ZTEG${random.digits(8)}` : null,
    ...planted,
    latitud: latitude,
    longitud: longitude,
  };
}

function makeTicket(
  random: SeededRandom,
  id: number,
  state: number,
  client: JsonRecord | null,
  zoneless: boolean,
  technicians: { id: number; nombre: string }[],
): JsonRecord {
  const created = new Date(Date.UTC(2026, random.int(0, 10), random.int(1, 28), random.int(12, 22), random.int(0, 59)));
  const due = new Date(created.getTime() + 3 * 86_400_000);
  const priority = random.int(1, 4);
  const servicio = client
    ? {
        id_servicio: client.id_servicio,
        nombre: client.nombre,
        zona: zoneless ? null : client.zona,
      }
    : null;
  return {
    id_ticket: id,
    // Upstream stores the subject rewritten with the client's name (docs/upstream.md, "Tickets").
    asunto: client ? `${random.pick(TICKET_SUBJECTS)} - ${String(client.nombre)}` : random.pick(TICKET_SUBJECTS),
    descripcion: 'Cliente reporta falla en el servicio. Se agenda visita técnica.',
    estado: TICKET_STATES[state - 1],
    prioridad: TICKET_PRIORITIES[priority - 1],
    fecha_creacion: dayMonthYearTime(created),
    fecha_estimada_inicio: dayMonthYearTime(created),
    fecha_estimada_fin: dayMonthYearTime(due),
    tecnico: random.pick(technicians),
    departamento: 'Soporte Técnico',
    servicio,
    respuestas: state >= 3 ? [{ respuesta: 'Se realizó visita y se normalizó el servicio.' }] : [],
  };
}

export function generateSimulatorData(options: SimulatorDataOptions): SimulatorData {
  const random = new SeededRandom(options.seed);
  const secrets = new Set<string>();
  const zones = makeZones(random, options.zones);
  const plans = makePlans(random, options.plans);
  const technicians = [
    { id: 11, nombre: 'Carlos Técnico' },
    { id: 12, nombre: 'Edwin Muñoz' },
    { id: 13, nombre: 'Yeison Ardila' },
    { id: 14, nombre: 'Jhon Fredy Peña' },
  ];
  const routers: JsonRecord[] = Array.from({ length: Math.max(3, Math.ceil(options.zones / 2)) }, (_, index) => {
    const outage = index === 1;
    return {
      id: index + 1,
      nombre: `RB-${PLACE_NAMES[index % PLACE_NAMES.length]!.replace(/\s+/g, '')}`,
      falla_general: outage,
      falla_general_descripcion: outage ? 'Falla de fibra troncal en el sector, cuadrilla en camino.' : '',
    };
  });
  const clients: JsonRecord[] = [];
  for (let index = 0; index < options.clients; index++) {
    clients.push(makeClient(random, 1000 + index, plans, zones, routers, technicians, secrets));
  }
  placeDocumentedCustomers(clients, zones, routers);

  // Active tickets per zone vary 0..4, so some zones start at the default limit of 3.
  const tickets: JsonRecord[] = [];
  let ticketId = 5000;
  const clientsByZone = new Map<number, JsonRecord[]>();
  for (const client of clients) {
    const zoneId = (client.zona as SimZone).id;
    const list = clientsByZone.get(zoneId) ?? [];
    list.push(client);
    clientsByZone.set(zoneId, list);
  }
  for (const zone of zones) {
    const members = clientsByZone.get(zone.id) ?? [];
    if (members.length === 0) continue;
    const active = zone.id % 5;
    for (let i = 0; i < active && tickets.length < options.tickets; i++) {
      tickets.push(makeTicket(random, ticketId++, 1, random.pick(members), false, technicians));
    }
  }
  while (tickets.length < options.tickets && clients.length > 0) {
    const roll = random.next();
    // Old tickets: a few without service, a few whose service lost its zone; some are "Nuevo" too.
    const client = roll < 0.03 ? null : random.pick(clients);
    const zoneless = roll >= 0.03 && roll < 0.06;
    const state = client === null || zoneless ? random.int(1, 4) : random.pick([2, 3, 3, 4, 4, 4]);
    tickets.push(makeTicket(random, ticketId++, state, client, zoneless, technicians));
  }

  return {
    zones,
    plans,
    clients,
    tickets,
    paymentMethods: [
      { id: 1, nombre: 'Efectivo' },
      { id: 2, nombre: 'Transferencia Bancolombia' },
      { id: 3, nombre: 'Nequi' },
      { id: 4, nombre: 'Daviplata' },
      { id: 5, nombre: 'PSE' },
      { id: 6, nombre: 'Efecty' },
    ],
    technicians,
    secrets,
  };
}
