// The staff console: sign-in with an admin key, then views drawn from /console/api/*. No framework;
// charts by uPlot (served from this service, no CDN). Spanish first, English on request.
(() => {
  const TEXT = {
    es: {
      title: 'Consola del ISP',
      signIn: 'Entrar',
      keyLabel: 'Clave de administración',
      signOut: 'Salir',
      language: 'English',
      today: 'Hoy',
      llm: 'Uso de modelos',
      requestsToday: 'Solicitudes hoy',
      costToday: 'Costo hoy (USD)',
      costMonth: 'Costo del mes (USD)',
      errorRate: 'Tasa de errores',
      cacheHits: 'Aciertos de caché (modelos)',
      handoffs: 'Derivadas a una persona',
      perHour: 'Solicitudes por hora',
      budgets: 'Presupuestos por clave',
      key: 'Clave',
      budget: 'Presupuesto mensual',
      spent: 'Gastado',
      wisphub: 'WispHub',
      breaker: 'Circuito hacia WispHub',
      caches: 'Cachés',
      resource: 'Recurso',
      entries: 'Registros',
      hitRate: 'Aciertos',
      costByDay: 'Costo por día (USD)',
      byModel: 'Por modelo',
      byTier: 'Por nivel',
      byKey: 'Por clave',
      model: 'Modelo',
      tier: 'Nivel',
      requests: 'Solicitudes',
      tokens: 'Tokens',
      cost: 'Costo',
      p50: 'p50 ms',
      p95: 'p95 ms',
      ttft: 'Primer token p50 ms',
      errors: 'Errores',
      none: 'Sin datos',
      refused: 'Esa clave no puede entrar a la consola.',
      ready: 'Listo',
      notReady: 'No listo',
      lastDays: 'Últimos 30 días',
      money: 'Dinero y servicio',
      waiting: 'Esperando a una persona',
      receipts: 'Comprobantes por revisar',
      confirm: 'Confirmar',
      dismiss: 'Descartar',
      openReceipt: 'Abrir comprobante',
      audit: 'Acciones registradas',
      when: 'Cuándo',
      action: 'Acción',
      service: 'Servicio',
      amount: 'Valor',
      reference: 'Referencia',
      outcome: 'Resultado',
      detail: 'Detalle',
      filter: 'Filtrar',
      since: 'Desde',
      any: 'Todos',
      handoffsQueue: 'Conversaciones derivadas (7 días)',
      endUser: 'Persona (huella)',
      reason: 'Motivo',
      tools: 'Herramientas',
      receiptOf: 'Comprobante del servicio',
      readOnly: 'Solo lectura (operador)',
      namedModel: 'Modelo pedido por nombre',
      tokensByDay: 'Tokens por día',
      promptTokens: 'Entrada',
      completionTokens: 'Salida',
      person: 'Persona',
      conversations: 'Conversaciones',
      conversationsToday: 'Conversaciones (24 h)',
      wisphubCache: 'Aciertos de caché (WispHub)',
      upstreamErrors: 'Errores hacia WispHub (24 h)',
      until: 'Hasta',
      tierMix: 'Mezcla de niveles por día (clasificador)',
      fallbackCauses: 'Respaldos y sus causas (30 días)',
      attempt: 'Intento que falló',
      cause: 'Causa',
      times: 'Veces',
      fallbacks: 'Respaldos',
      pendingTickets: 'Tickets en confirmación',
      handle: 'Código',
      subject: 'Asunto',
      description: 'Descripción',
      status: 'Estado',
      lockouts: 'Verificaciones bloqueadas ahora',
      scope: 'Alcance',
      failures: 'Fallos',
      reveal: 'Mostrar',
      revealLabel: 'Mostrar el dato completo (queda registrado)',
      readiness: 'Estado del servicio',
      reasons: 'Motivos',
      oldest: 'Más antiguo',
      newest: 'Más reciente',
      freshFor: 'Fresco por',
      loadFailures: 'Cargas fallidas',
      upstreamPerHour: 'Llamadas a WispHub por hora',
      endpoint: 'Endpoint',
      calls24h: 'Llamadas (24 h)',
      probe: 'Prueba de solo lectura del tenant',
      runProbe: 'Correr la prueba',
      probeRunning: 'La prueba está corriendo…',
      probeWait: 'Se puede correr de nuevo en',
      probeNever: 'La prueba no ha corrido desde que arrancó el servicio.',
      probeLast: 'Última prueba',
      check: 'Comprobación',
      assumption: 'Lo que se supone',
      observed: 'Lo observado',
      verdict: 'Veredicto',
      blocking: 'Bloquea',
      yes: 'sí',
      no: 'no',
      seconds: 's',
    },
    en: {
      title: 'ISP console',
      signIn: 'Sign in',
      keyLabel: 'Admin key',
      signOut: 'Sign out',
      language: 'Español',
      today: 'Today',
      llm: 'Model usage',
      requestsToday: 'Requests today',
      costToday: 'Cost today (USD)',
      costMonth: 'Cost this month (USD)',
      errorRate: 'Error rate',
      cacheHits: 'Cache hits (models)',
      handoffs: 'Handed to a person',
      perHour: 'Requests per hour',
      budgets: 'Budgets per key',
      key: 'Key',
      budget: 'Monthly budget',
      spent: 'Spent',
      wisphub: 'WispHub',
      breaker: 'Breaker towards WispHub',
      caches: 'Caches',
      resource: 'Resource',
      entries: 'Entries',
      hitRate: 'Hit rate',
      costByDay: 'Cost per day (USD)',
      byModel: 'By model',
      byTier: 'By tier',
      byKey: 'By key',
      model: 'Model',
      tier: 'Tier',
      requests: 'Requests',
      tokens: 'Tokens',
      cost: 'Cost',
      p50: 'p50 ms',
      p95: 'p95 ms',
      ttft: 'First token p50 ms',
      errors: 'Errors',
      none: 'No data',
      refused: 'That key cannot sign in to the console.',
      ready: 'Ready',
      notReady: 'Not ready',
      lastDays: 'Last 30 days',
      money: 'Money and service',
      waiting: 'Waiting for a person',
      receipts: 'Receipts to review',
      confirm: 'Confirm',
      dismiss: 'Dismiss',
      openReceipt: 'Open receipt',
      audit: 'Recorded actions',
      when: 'When',
      action: 'Action',
      service: 'Service',
      amount: 'Amount',
      reference: 'Reference',
      outcome: 'Outcome',
      detail: 'Detail',
      filter: 'Filter',
      since: 'Since',
      any: 'Any',
      handoffsQueue: 'Conversations handed off (7 days)',
      endUser: 'Person (digest)',
      reason: 'Reason',
      tools: 'Tools',
      receiptOf: 'Receipt of service',
      readOnly: 'Read only (operator)',
      namedModel: 'Model asked by name',
      tokensByDay: 'Tokens per day',
      promptTokens: 'Input',
      completionTokens: 'Output',
      person: 'Person',
      conversations: 'Conversations',
      conversationsToday: 'Conversations (24 h)',
      wisphubCache: 'Cache hits (WispHub)',
      upstreamErrors: 'Errors towards WispHub (24 h)',
      until: 'Until',
      tierMix: 'Tier mix per day (classifier)',
      fallbackCauses: 'Fallbacks and their causes (30 days)',
      attempt: 'Attempt that failed',
      cause: 'Cause',
      times: 'Times',
      fallbacks: 'Fallbacks',
      pendingTickets: 'Tickets being confirmed',
      handle: 'Handle',
      subject: 'Subject',
      description: 'Description',
      status: 'Status',
      lockouts: 'Verifications locked now',
      scope: 'Scope',
      failures: 'Failures',
      reveal: 'Show',
      revealLabel: 'Show the full value (it is recorded)',
      readiness: 'Service state',
      reasons: 'Reasons',
      oldest: 'Oldest',
      newest: 'Newest',
      freshFor: 'Fresh for',
      loadFailures: 'Failed loads',
      upstreamPerHour: 'Calls to WispHub per hour',
      endpoint: 'Endpoint',
      calls24h: 'Calls (24 h)',
      probe: 'Read-only probe of the tenant',
      runProbe: 'Run the probe',
      probeRunning: 'The probe is running…',
      probeWait: 'It can run again in',
      probeNever: 'The probe has not run since the service started.',
      probeLast: 'Last probe',
      check: 'Check',
      assumption: 'Assumed',
      observed: 'Observed',
      verdict: 'Verdict',
      blocking: 'Blocking',
      yes: 'yes',
      no: 'no',
      seconds: 's',
    },
  };
  let lang = localStorage.getItem('console-lang') === 'en' ? 'en' : 'es';
  let csrf = null;
  let role = 'admin';
  let view = 'today';
  const t = (key) => TEXT[lang][key] ?? key;
  const root = document.getElementById('app');
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === 'onclick' || name === 'onsubmit') node[name] = value;
      else node.setAttribute(name, value);
    }
    for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  const money = (value) => ((value ?? 0) !== 0 && Math.abs(value) < 0.01 ? value.toFixed(6) : (value ?? 0).toFixed(4));
  // Charts are drawn once their section is on the page (uPlot needs its width).
  const pendingCharts = [];
  const percent = (value) => `${((value ?? 0) * 100).toFixed(1)} %`;
  const api = async (path, init = {}) => {
    const response = await fetch(path, {
      credentials: 'same-origin',
      ...init,
      headers: { ...(init.headers ?? {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    });
    if (response.status === 401) {
      csrf = null;
      render();
      throw new Error('signed out');
    }
    return response;
  };
  const table = (caption, heads, rows) =>
    el(
      'section',
      { 'aria-label': caption },
      el('h2', {}, caption),
      rows.length === 0
        ? el('p', {}, t('none'))
        : el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                heads.map(([label, numeric]) => el('th', { scope: 'col', class: numeric ? 'num' : '' }, label)),
              ),
            ),
            el(
              'tbody',
              {},
              rows.map((cells) =>
                el(
                  'tr',
                  {},
                  cells.map((cell, index) => el('td', { class: heads[index][1] ? 'num' : '' }, cell ?? '—')),
                ),
              ),
            ),
          ),
    );
  const card = (label, value, id) =>
    el('div', { class: 'card', id }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
  const COLOURS = ['#0b5cad', '#b35c00', '#1e7a34', '#7a3cad', '#b3261e', '#4d5b6a'];
  // A chart of one or more series over shared x values; the numbers are in the aria-label for
  // people who cannot see the drawing.
  const chart = (id, caption, xs, series, format) => {
    const spoken = series.map((one) => `${one.label}: ${one.values.map(format).join(', ')}`).join('; ');
    const box = el('div', { class: 'chart', id, role: 'img', 'aria-label': `${caption}. ${spoken}` });
    const section = el('section', {}, el('h2', {}, caption), box);
    pendingCharts.push(() => {
      if (xs.length === 0 || series.length === 0) {
        box.append(el('p', {}, t('none')));
        return;
      }
      const width = Math.max(260, section.clientWidth - 28);
      box.uplot = new uPlot(
        {
          width,
          height: 220,
          series: [
            { label: t('when'), value: (_, v) => (v == null ? '—' : timeLabel(xs)(v)) },
            ...series.map((one, index) => ({
              label: one.label,
              stroke: COLOURS[index % COLOURS.length],
              fill: series.length === 1 ? 'rgba(11,92,173,.15)' : undefined,
              width: 2,
              value: (_, v) => (v == null ? '—' : format(v)),
            })),
          ],
          axes: [
            { values: (_, ticks) => ticks.map(timeLabel(xs)) },
            // Room for the longest label (costs carry six decimals).
            {
              values: (_, ticks) => ticks.map(format),
              size: 24 + 8 * Math.max(...series.flatMap((one) => one.values).map((v) => format(v).length), 3),
            },
          ],
        },
        [xs, ...series.map((one) => one.values)],
        box,
      );
    });
    return section;
  };
  const count = (v) => String(Math.round(v));
  // Time axis labels in the page's language and 24-hour clock: hours for a day, dates for a month.
  const timeLabel = (xs) => {
    const long = xs.length > 1 && xs[xs.length - 1] - xs[0] > 3 * 86400;
    const formatter = new Intl.DateTimeFormat(
      lang === 'es' ? 'es-CO' : 'en-GB',
      long ? { day: '2-digit', month: 'short' } : { hour: '2-digit', minute: '2-digit', hour12: false },
    );
    return (seconds) => formatter.format(new Date(seconds * 1000));
  };
  const shortTime = (iso) => iso.slice(0, 16).replace('T', ' ');
  const ago = (seconds) =>
    seconds == null
      ? '—'
      : seconds < 120
        ? `${seconds} s`
        : seconds < 7200
          ? `${Math.round(seconds / 60)} min`
          : `${Math.round(seconds / 3600)} h`;
  // A masked value and, for admins, a button that asks for it in full (the server records who saw it).
  const revealable = (masked, kind, id) => {
    if (masked == null) return '—';
    const shown = el('span', { class: 'masked' }, masked);
    if (role !== 'admin') return shown;
    const button = el('button', { type: 'button', class: 'reveal', 'aria-label': `${t('revealLabel')}: ${masked}` }, t('reveal'));
    button.onclick = async () => {
      const response = await api('/console/api/reveal', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, id }),
      });
      if (!response.ok) return;
      shown.textContent = (await response.json()).value;
      shown.classList.remove('masked');
      button.remove();
    };
    return el('span', {}, shown, ' ', button);
  };

  function signInView(message) {
    const input = el('input', { id: 'admin-key', type: 'password', autocomplete: 'current-password', required: 'required' });
    const form = el(
      'form',
      {
        class: 'signin',
        'aria-labelledby': 'signin-title',
        onsubmit: async (event) => {
          event.preventDefault();
          const response = await fetch('/console/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ key: input.value }),
          });
          if (!response.ok) {
            render(t('refused'));
            return;
          }
          ({ csrf, role } = await response.json());
          render();
        },
      },
      el('h1', { id: 'signin-title' }, t('title')),
      el('label', { for: 'admin-key' }, t('keyLabel')),
      input,
      message ? el('p', { class: 'error', role: 'alert' }, message) : '',
      el('button', { type: 'submit' }, t('signIn')),
    );
    return el('main', {}, form);
  }

  async function todayView() {
    const data = await (await api('/console/api/today')).json();
    const hours = data.perHour;
    return [
      el(
        'div',
        { class: 'cards' },
        card(t('requestsToday'), data.today.requests, 'card-requests'),
        card(t('conversationsToday'), data.today.conversations, 'card-conversations'),
        card(t('costToday'), money(data.today.costUsd), 'card-cost-today'),
        card(t('costMonth'), money(data.month.costUsd), 'card-cost-month'),
        card(t('errorRate'), percent(data.today.errorRate), 'card-errors'),
        card(t('cacheHits'), percent(data.today.cacheHitRate), 'card-cache'),
        card(t('wisphubCache'), percent(data.wisphub.cacheHitRate), 'card-wisphub-cache'),
        card(t('upstreamErrors'), percent(data.wisphub.upstreamErrorRate), 'card-upstream-errors'),
        card(t('handoffs'), data.today.handoffs, 'card-handoffs'),
      ),
      chart(
        'chart-hourly',
        t('perHour'),
        hours.map((hour) => Date.parse(hour.hour) / 1000),
        [
          { label: t('requests'), values: hours.map((hour) => hour.requests) },
          { label: t('conversations'), values: hours.map((hour) => hour.conversations) },
          { label: t('errors'), values: hours.map((hour) => hour.errors) },
        ],
        count,
      ),
      table(
        t('budgets'),
        [[t('key')], [t('budget'), true], [t('spent'), true]],
        data.budgets.map((b) => [
          b.keyName,
          b.monthlyBudgetUsd === null ? '—' : money(b.monthlyBudgetUsd),
          b.monthSpendUsd === null ? '—' : money(b.monthSpendUsd),
        ]),
      ),
      el(
        'section',
        { 'aria-label': t('wisphub') },
        el('h2', {}, t('wisphub')),
        el(
          'p',
          {},
          `${t('breaker')}: `,
          el('span', { class: `state-${data.wisphub.breaker}` }, data.wisphub.breaker),
          ' · ',
          data.wisphub.ready ? t('ready') : t('notReady'),
        ),
      ),
      table(
        t('caches'),
        [[t('resource')], [t('entries'), true], [t('hitRate'), true]],
        data.wisphub.caches.map((c) => [c.resource, c.entries, percent(c.hitRate)]),
      ),
    ];
  }

  async function llmView() {
    const data = await (await api('/console/api/llm')).json();
    const rows = (list, name) =>
      list.map((row) => [
        row[name] ?? (name === 'tier' ? t('namedModel') : '—'),
        row.requests,
        row.promptTokens + row.completionTokens,
        money(row.costUsd),
        row.latencyP50Ms ?? '—',
        row.latencyP95Ms ?? '—',
        row.ttftP50Ms ?? '—',
        row.fallbacks ?? 0,
        percent(row.errorRate),
      ]);
    const heads = (first) => [
      [first],
      [t('requests'), true],
      [t('tokens'), true],
      [t('cost'), true],
      [t('p50'), true],
      [t('p95'), true],
      [t('ttft'), true],
      [t('fallbacks'), true],
      [t('errors'), true],
    ];
    return [
      el('p', {}, `${t('lastDays')}: ${data.from} – ${data.to}`),
      chart(
        'chart-cost',
        t('costByDay'),
        data.byDay.map((row) => Date.parse(`${row.day}T12:00:00Z`) / 1000),
        [{ label: t('cost'), values: data.byDay.map((row) => row.costUsd) }],
        money,
      ),
      chart(
        'chart-tokens',
        t('tokensByDay'),
        data.byDay.map((row) => Date.parse(`${row.day}T12:00:00Z`) / 1000),
        [
          { label: t('promptTokens'), values: data.byDay.map((row) => row.promptTokens ?? 0) },
          { label: t('completionTokens'), values: data.byDay.map((row) => row.completionTokens ?? 0) },
        ],
        count,
      ),
      chart(
        'chart-tiers',
        t('tierMix'),
        data.byDay.map((row) => Date.parse(`${row.day}T12:00:00Z`) / 1000),
        data.tierMix.map((one) => ({ label: one.tier === '-' ? t('namedModel') : one.tier, values: one.perDay })),
        count,
      ),
      table(t('byModel'), heads(t('model')), rows(data.byModel, 'model')),
      table(t('byTier'), heads(t('tier')), rows(data.byTier, 'tier')),
      table(t('byKey'), heads(t('key')), rows(data.byKey, 'key')),
      table(
        t('fallbackCauses'),
        [[t('attempt')], [t('cause')], [t('times'), true]],
        data.fallbackCauses.map((row) => [row.attempt, row.outcome, row.count]),
      ),
    ];
  }

  let auditFilter = { serviceId: '', since: '', until: '', outcome: '' };

  async function moneyView() {
    const query = new URLSearchParams(Object.entries(auditFilter).filter(([, value]) => value !== ''));
    const data = await (await api(`/console/api/audit?${query}`)).json();
    const waitingReceipts = data.entries.filter((entry) => entry.receipt && entry.outcome === 'unknown');
    const settle = async (id, outcome) => {
      await api(`/console/api/audit/${id}/settle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome }),
      });
      render();
    };
    const field = (name, label, input) => el('label', { for: `filter-${name}` }, `${label} `, input);
    const serviceInput = el('input', { id: 'filter-serviceId', inputmode: 'numeric', value: auditFilter.serviceId, size: '8' });
    const sinceInput = el('input', { id: 'filter-since', type: 'date', value: auditFilter.since });
    const untilInput = el('input', { id: 'filter-until', type: 'date', value: auditFilter.until });
    const outcomeInput = el(
      'select',
      { id: 'filter-outcome' },
      ['', 'unknown', 'confirmed', 'refused'].map((value) => {
        const option = el('option', { value }, value || t('any'));
        if (value === auditFilter.outcome) option.selected = true;
        return option;
      }),
    );
    const filters = el(
      'form',
      {
        class: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          auditFilter = {
            serviceId: serviceInput.value.trim(),
            since: sinceInput.value,
            until: untilInput.value,
            outcome: outcomeInput.value,
          };
          render();
        },
      },
      field('serviceId', t('service'), serviceInput),
      ' ',
      field('since', t('since'), sinceInput),
      ' ',
      field('until', t('until'), untilInput),
      ' ',
      field('outcome', t('outcome'), outcomeInput),
      ' ',
      el('button', { type: 'submit' }, t('filter')),
    );
    return [
      el(
        'section',
        { 'aria-label': t('receipts') },
        el('h2', {}, `${t('receipts')} (${waitingReceipts.length})`),
        waitingReceipts.length === 0
          ? el('p', {}, t('none'))
          : el(
              'ul',
              { class: 'receipts' },
              waitingReceipts.map((entry) =>
                el(
                  'li',
                  { class: 'receipt', 'data-id': entry.id },
                  // Operators look at the queue, not at the receipts (they carry names and account numbers).
                  role !== 'admin'
                    ? ''
                    : entry.receipt === 'pdf'
                      ? el('a', { href: `/console/api/audit/${entry.id}/receipt`, target: '_blank', rel: 'noopener' }, t('openReceipt'))
                      : el('img', {
                          src: `/console/api/audit/${entry.id}/receipt`,
                          alt: `${t('receiptOf')} ${entry.serviceId}`,
                          width: '160',
                        }),
                  el('p', {}, `${t('service')} ${entry.serviceId} · ${entry.reference ?? '—'} · ${shortTime(entry.at)}`),
                  role !== 'admin'
                    ? ''
                    : [
                        el('button', { type: 'button', onclick: () => settle(entry.id, 'confirmed') }, t('confirm')),
                        ' ',
                        el('button', { type: 'button', onclick: () => settle(entry.id, 'refused') }, t('dismiss')),
                      ],
                ),
              ),
            ),
      ),
      el('section', { 'aria-label': t('filter') }, filters),
      table(
        t('audit'),
        [[t('when')], [t('action')], [t('service'), true], [t('amount'), true], [t('reference')], [t('outcome')], [t('detail')]],
        data.entries.map((entry) => [
          entry.at.slice(0, 16).replace('T', ' '),
          entry.action,
          entry.serviceId ?? '—',
          entry.amount ?? '—',
          entry.reference ?? '—',
          el('span', { class: entry.outcome === 'unknown' ? 'outcome-unknown' : '' }, entry.outcome),
          entry.detail ?? '—',
        ]),
      ),
    ];
  }

  async function waitingView() {
    const data = await (await api('/console/api/waiting')).json();
    return [
      table(
        t('handoffsQueue'),
        [[t('when')], [t('key')], [t('endUser')], [t('reason')], [t('tools')]],
        data.handoffs.map((row) => [
          shortTime(row.at),
          row.key,
          (row.endUser ?? '—').slice(0, 10),
          row.reason,
          row.toolCalls.join(', ') || '—',
        ]),
      ),
      table(
        t('pendingTickets'),
        [[t('when')], [t('handle')], [t('service'), true], [t('subject')], [t('description')], [t('status')]],
        data.pendingTickets.map((row) => [
          shortTime(row.since),
          `${row.handle.slice(0, 10)}…`,
          row.serviceId,
          row.subject,
          revealable(row.description, 'pendingTicket', row.handle),
          row.ticketId ? `${row.status} #${row.ticketId}` : row.reason ? `${row.status}: ${row.reason}` : row.status,
        ]),
      ),
      table(
        t('lockouts'),
        [[t('scope')], [t('service'), true], [t('key')], [t('person')], [t('failures'), true], [t('until')]],
        data.lockouts.map((row) => [
          row.scope,
          row.serviceId ?? '—',
          row.key ?? '—',
          row.endUser === null ? '—' : revealable(row.endUser, 'lockout', row.id),
          row.failures,
          shortTime(row.until),
        ]),
      ),
    ];
  }

  let probeTimer = null;

  async function wisphubView() {
    const data = await (await api('/console/api/wisphub')).json();
    const { probe, upstream } = data;
    clearTimeout(probeTimer);
    // While a run is under way, look again shortly (only while this view is open).
    if (probe.running) probeTimer = setTimeout(() => view === 'wisphub' && render(), 1500);
    const run = async () => {
      await api('/console/api/probe', { method: 'POST' });
      render();
    };
    const verdictClass = (row) => (row.verdict === 'ok' ? 'verdict-ok' : row.blocking ? 'verdict-bad' : 'verdict-warn');
    return [
      el(
        'section',
        { 'aria-label': t('readiness') },
        el('h2', {}, t('readiness')),
        el(
          'p',
          { id: 'wisphub-state' },
          el('span', { class: data.ready ? 'state-closed' : 'state-open' }, data.ready ? t('ready') : t('notReady')),
          ` (${data.status}) · ${t('breaker')}: `,
          el('span', { class: `state-${data.breaker}` }, data.breaker),
          data.reasons.length > 0 ? ` · ${t('reasons')}: ${data.reasons.join(', ')}` : '',
        ),
      ),
      table(
        t('caches'),
        [
          [t('resource')],
          [t('entries'), true],
          [t('hitRate'), true],
          [t('oldest'), true],
          [t('newest'), true],
          [t('freshFor'), true],
          [t('loadFailures'), true],
        ],
        data.caches.map((c) => [
          c.resource,
          c.entries,
          percent(c.hitRate),
          ago(c.oldestAgeSeconds),
          ago(c.newestAgeSeconds),
          ago(c.freshSeconds),
          c.loadFailures,
        ]),
      ),
      chart(
        'chart-upstream',
        t('upstreamPerHour'),
        upstream.hours.map((hour) => Date.parse(hour) / 1000),
        upstream.series.slice(0, 6).map((one) => ({ label: one.label, values: one.counts })),
        count,
      ),
      table(
        t('calls24h'),
        [[t('endpoint')], [t('calls24h'), true]],
        upstream.series.map((one) => [one.label, one.total]),
      ),
      el(
        'section',
        { 'aria-label': t('probe'), id: 'probe' },
        el('h2', {}, t('probe')),
        probe.running
          ? el('p', { role: 'status' }, t('probeRunning'))
          : role !== 'admin'
            ? ''
            : probe.nextRunInSeconds > 0
              ? el('p', {}, `${t('probeWait')} ${ago(probe.nextRunInSeconds)}`)
              : el('button', { type: 'button', id: 'run-probe', onclick: run }, t('runProbe')),
        probe.last
          ? el(
              'p',
              { id: 'probe-summary' },
              `${t('probeLast')}: ${shortTime(probe.last.startedAt)} · ${probe.last.by} · ${probe.last.calls} GET · ${(probe.last.durationMs / 1000).toFixed(1)} ${t('seconds')} · exit ${probe.last.exitCode}`,
            )
          : el('p', {}, t('probeNever')),
      ),
      probe.last
        ? table(
            t('probeLast'),
            [[t('check')], [t('assumption')], [t('observed')], [t('verdict')], [t('blocking')]],
            probe.last.rows.map((row) => [
              row.id,
              row.assumption,
              row.observed,
              el('span', { class: verdictClass(row) }, row.verdict),
              row.blocking ? t('yes') : t('no'),
            ]),
          )
        : '',
    ];
  }

  const VIEWS = {
    today: () => todayView(),
    llm: () => llmView(),
    money: () => moneyView(),
    waiting: () => waitingView(),
    wisphub: () => wisphubView(),
  };

  async function render(message) {
    document.documentElement.lang = lang;
    document.title = t('title');
    if (!csrf) {
      const session = await fetch('/console/session', { credentials: 'same-origin' });
      if (session.ok) ({ csrf, role } = await session.json());
    }
    if (!csrf) {
      root.replaceChildren(signInView(message));
      return;
    }
    const navButton = (name) =>
      el(
        'button',
        {
          type: 'button',
          'aria-current': view === name ? 'page' : 'false',
          onclick: () => {
            view = name;
            render();
          },
        },
        t(name),
      );
    const header = el(
      'header',
      {},
      el('h1', {}, t('title'), role === 'admin' ? '' : el('span', { class: 'badge' }, t('readOnly'))),
      el(
        'nav',
        { 'aria-label': t('title') },
        navButton('today'),
        navButton('llm'),
        navButton('money'),
        navButton('waiting'),
        navButton('wisphub'),
        el(
          'button',
          {
            type: 'button',
            onclick: () => {
              lang = lang === 'es' ? 'en' : 'es';
              localStorage.setItem('console-lang', lang);
              render();
            },
          },
          t('language'),
        ),
        el(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await api('/console/session', { method: 'DELETE' });
              csrf = null;
              render();
            },
          },
          t('signOut'),
        ),
      ),
    );
    const main = el('main', { id: `view-${view}` });
    root.replaceChildren(header, main);
    main.append(...(await VIEWS[view]()));
    for (const draw of pendingCharts.splice(0)) draw();
    main.setAttribute('data-ready', 'true');
  }
  render();
})();
