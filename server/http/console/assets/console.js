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
    },
  };
  let lang = localStorage.getItem('console-lang') === 'en' ? 'en' : 'es';
  let csrf = null;
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
  const chart = (id, caption, xs, ys, label, format) => {
    const box = el('div', { class: 'chart', id, role: 'img', 'aria-label': `${caption}: ${ys.map(format).join(', ')}` });
    const section = el('section', {}, el('h2', {}, caption), box);
    pendingCharts.push(() => {
      if (xs.length === 0) {
        box.append(el('p', {}, t('none')));
        return;
      }
      const width = Math.max(260, section.clientWidth - 28);
      box.uplot = new uPlot(
        {
          width,
          height: 220,
          series: [{}, { label, stroke: '#0b5cad', fill: 'rgba(11,92,173,.15)', width: 2, value: (_, v) => (v == null ? '—' : format(v)) }],
          axes: [{}, { values: (_, ticks) => ticks.map(format), size: 70 }],
        },
        [xs, ys],
        box,
      );
    });
    return section;
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
          csrf = (await response.json()).csrf;
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
        card(t('costToday'), money(data.today.costUsd), 'card-cost-today'),
        card(t('costMonth'), money(data.month.costUsd), 'card-cost-month'),
        card(t('errorRate'), percent(data.today.errorRate), 'card-errors'),
        card(t('cacheHits'), percent(data.today.cacheHitRate), 'card-cache'),
        card(t('handoffs'), data.today.handoffs, 'card-handoffs'),
      ),
      chart(
        'chart-hourly',
        t('perHour'),
        hours.map((hour) => Date.parse(hour.hour) / 1000),
        hours.map((hour) => hour.requests),
        t('requests'),
        (v) => String(Math.round(v)),
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
        row[name] ?? '—',
        row.requests,
        row.promptTokens + row.completionTokens,
        money(row.costUsd),
        row.latencyP50Ms ?? '—',
        row.latencyP95Ms ?? '—',
        row.ttftP50Ms ?? '—',
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
      [t('errors'), true],
    ];
    return [
      el('p', {}, `${t('lastDays')}: ${data.from} – ${data.to}`),
      chart(
        'chart-cost',
        t('costByDay'),
        data.byDay.map((row) => Date.parse(`${row.day}T12:00:00Z`) / 1000),
        data.byDay.map((row) => row.costUsd),
        t('cost'),
        money,
      ),
      table(t('byModel'), heads(t('model')), rows(data.byModel, 'model')),
      table(t('byTier'), heads(t('tier')), rows(data.byTier, 'tier')),
      table(t('byKey'), heads(t('key')), rows(data.byKey, 'key')),
    ];
  }

  let auditFilter = { serviceId: '', since: '', outcome: '' };

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
          auditFilter = { serviceId: serviceInput.value.trim(), since: sinceInput.value, outcome: outcomeInput.value };
          render();
        },
      },
      field('serviceId', t('service'), serviceInput),
      ' ',
      field('since', t('since'), sinceInput),
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
                  entry.receipt === 'pdf'
                    ? el('a', { href: `/console/api/audit/${entry.id}/receipt`, target: '_blank', rel: 'noopener' }, t('openReceipt'))
                    : el('img', {
                        src: `/console/api/audit/${entry.id}/receipt`,
                        alt: `${t('receiptOf')} ${entry.serviceId}`,
                        width: '160',
                      }),
                  el(
                    'p',
                    {},
                    `${t('service')} ${entry.serviceId} · ${entry.reference ?? '—'} · ${entry.at.slice(0, 16).replace('T', ' ')}`,
                  ),
                  el('button', { type: 'button', onclick: () => settle(entry.id, 'confirmed') }, t('confirm')),
                  ' ',
                  el('button', { type: 'button', onclick: () => settle(entry.id, 'refused') }, t('dismiss')),
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
          row.at.slice(0, 16).replace('T', ' '),
          row.key,
          (row.endUser ?? '—').slice(0, 10),
          row.reason,
          row.toolCalls.join(', ') || '—',
        ]),
      ),
    ];
  }

  const VIEWS = { today: () => todayView(), llm: () => llmView(), money: () => moneyView(), waiting: () => waitingView() };

  async function render(message) {
    document.documentElement.lang = lang;
    document.title = t('title');
    if (!csrf) {
      const session = await fetch('/console/session', { credentials: 'same-origin' });
      if (session.ok) csrf = (await session.json()).csrf;
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
      el('h1', {}, t('title')),
      el(
        'nav',
        { 'aria-label': t('title') },
        navButton('today'),
        navButton('llm'),
        navButton('money'),
        navButton('waiting'),
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
