/** A record as upstream serves it (the simulator's own loose shape; data.ts imports this module). */
type JsonRecord = Record<string, unknown>;

/**
 * The customers the README and the docs use in their examples, laid over the generated records
 * with the same service ids, so every documented example runs as printed against `npm start`
 * (test/house/doc-examples.test.ts runs them). Only identity and money are fixed; plan, zone and
 * the rest stay as generated. A simulator smaller than the id leaves the example customer out.
 */
const DOCUMENTED: Record<number, JsonRecord> = {
  1234: {
    nombre: 'José Peña Muñoz',
    nombres: 'José',
    apellidos: 'Peña Muñoz',
    cedula: '1.098.765.432',
    telefono: '3001234567 / 3109876543',
    email: 'jose.pena@correo.example',
    direccion: 'Vereda La Esperanza',
    estado: 'Activo',
    saldo: '130000.00',
  },
};

/**
 * Writes the documented customers over the generated ones. Their sector has no known outage (a
 * ping example must ping): a zone whose router (the one every client of the zone has) is calm.
 */
export function placeDocumentedCustomers(clients: JsonRecord[], zones: { id: number; nombre: string }[], routers: JsonRecord[]): void {
  const calmZone = zones.find((zone) => routers[zone.id % routers.length]?.falla_general !== true);
  for (const client of clients) {
    const documented = DOCUMENTED[Number(client.id_servicio)];
    if (!documented) continue;
    Object.assign(client, documented);
    if (calmZone) {
      client.zona = { id: calmZone.id, nombre: calmZone.nombre };
      client.router = routers[calmZone.id % routers.length]!;
    }
  }
}
