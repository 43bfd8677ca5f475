/** The ISP's predefined ticket subjects as WispHub Net holds them (`asuntos_default` must be one). */
export const SIM_TICKET_SUBJECTS: string[] = [
  'Cambio de Contraseña en Router Wifi',
  'Cambio de Domicilio',
  'Recolección De Equipos',
  'Cancelación',
  'Desconexión',
  'Internet Lento',
  'Internet Intermitente',
  'Antena Desalineada',
  'Cables Mal Colocados',
  'Cableado Para Modem Extra',
  'No Tiene Internet',
  'Antena Dañada',
  'No Responde la Antena',
  'No Responde el Router Wifi',
  'Router Wifi Reseteado (Valores de Fabrica)',
  'Cambio de Router Wifi',
  'Cambio de Antena',
  'Cambio de Antena + Router Wifi',
  'Cable UTP Dañado',
  'PoE Dañado',
  'Conector Dañado',
  'Antena valores De Fabrica',
  'Eliminador Dañado',
  'RJ45 Dañado',
  'Alambres Rotos',
  'Reconexión',
  'Cable Fibra Dañado',
  'Jumper Dañado',
  'Troncal Dañado',
  'Caja Nap Dañada',
  'Cambio A Fibra Óptica',
];

/** Subjects this ISP added to its catalogue beyond the common ones (our priority rules do not know them). */
export const SIM_EXTRA_SUBJECTS: string[] = [
  'Instalacion Nueva',
  'Instatalacion Nueva',
  'Visita Técnica Programada',
  'Revisión de Potencia Óptica',
];

/** Every subject `asuntos_default` accepts, as `GET /api/tickets/asuntos-tickets/` lists them. */
export const SIM_CATALOGUE: string[] = [...SIM_TICKET_SUBJECTS, ...SIM_EXTRA_SUBJECTS];

/**
 * Another ISP's catalogue, of its own making (dialect `subjectCatalogue: 'own'`): 12 subjects, a
 * few shared with the common list, most its own wording. `asuntos_default` then accepts these only.
 */
export const SIM_OWN_CATALOGUE: string[] = [
  'Internet Lento',
  'No Tiene Internet',
  'Cambio de Domicilio',
  'Cancelación',
  'Sin Señal en la Antena',
  'Falla en Fibra',
  'Router No Enciende',
  'Cambio de Clave Wifi',
  'Traslado de Servicio',
  'Instalación Nueva',
  'Visita Técnica',
  'Otro',
];
