// Honker dashboard. Plain JavaScript, no build, no external resources.
// Every value from the server is put on the page as text (textContent), never as HTML.
(function () {
  'use strict';

  var meta = function (name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute('content') : '';
  };
  var base = meta('honker-base');
  var view = meta('honker-view');
  var subject = meta('honker-subject');
  var csrfHeader = meta('honker-csrf-header');
  var csrfToken = meta('honker-csrf-token');
  var POLL_MILLIS = 5000;
  var main = document.getElementById('main');
  var liveBadge = document.getElementById('live');
  var queueState = { state: 'pending', pages: [null], limit: 25 };
  var pollTimer = null;
  var refreshing = false;
  var refreshAgain = false;

  // ---- small DOM helpers: strings become text nodes ----
  function el(tag, attributes) {
    var element = document.createElement(tag);
    var name;
    for (name in (attributes || {})) {
      if (name === 'text') {
        element.textContent = attributes.text;
      } else if (name === 'onclick') {
        element.addEventListener('click', attributes.onclick);
      } else if (attributes[name] !== null && attributes[name] !== undefined) {
        element.setAttribute(name, attributes[name]);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) {
        continue;
      }
      element.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  // Re-rendering replaces the content; the element that had the focus gets it back.
  function replaceMain(content) {
    var focused = document.activeElement;
    var key = focused && main.contains(focused) ? focused.getAttribute('data-key') : null;
    clear(main).appendChild(content);
    if (key) {
      var again = main.querySelector('[data-key="' + CSS.escape(key) + '"]');
      if (again) {
        again.focus();
      }
    }
  }

  function clear(element) {
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
    return element;
  }

  function time(seconds) {
    if (seconds === null || seconds === undefined) {
      return el('span', { 'class': 'empty', text: '-' });
    }
    var date = new Date(seconds * 1000);
    return el('time', { datetime: date.toISOString(), text: date.toLocaleString() });
  }

  function age(seconds) {
    if (!seconds) {
      return '-';
    }
    if (seconds < 120) {
      return seconds + ' s';
    }
    if (seconds < 7200) {
      return Math.round(seconds / 60) + ' min';
    }
    return Math.round(seconds / 3600) + ' h';
  }

  function link(href, text) {
    return el('a', { href: href, 'data-key': href, text: text });
  }

  function queueHref(name) {
    return base + '/queue?name=' + encodeURIComponent(name);
  }

  function jobHref(id) {
    return base + '/jobs/' + encodeURIComponent(id);
  }

  function table(id, caption, headings, rows, emptyText) {
    var head = el('tr');
    headings.forEach(function (heading) {
      head.appendChild(el('th', { scope: 'col', 'class': heading.num ? 'num' : null, text: heading.label || heading }));
    });
    var body = el('tbody');
    if (rows.length === 0) {
      body.appendChild(el('tr', null, el('td', { colspan: headings.length, 'class': 'empty', text: emptyText })));
    }
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    return el('table', { id: id }, el('caption', { 'class': 'visually-hidden', text: caption }), el('thead', null, head), body);
  }

  function cell(value, className) {
    return el('td', { 'class': className || null }, value);
  }

  function toast(text, isError) {
    var box = document.getElementById('toast');
    var message = el('p', { 'class': isError ? 'error' : null, text: text });
    box.appendChild(message);
    setTimeout(function () {
      if (message.parentNode) {
        message.parentNode.removeChild(message);
      }
    }, 6000);
  }

  function crumbs() {
    var nav = clear(document.getElementById('crumbs'));
    if (view === 'queue') {
      nav.appendChild(el('span', null, '/ queue ', el('strong', { text: subject })));
    } else if (view === 'job') {
      nav.appendChild(el('span', null, '/ job ', el('strong', { text: subject })));
    }
  }

  // ---- requests ----
  function getJson(path) {
    return fetch(base + path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      });
  }

  function post(path) {
    var headers = { Accept: 'application/json' };
    if (csrfHeader && csrfToken) {
      headers[csrfHeader] = csrfToken;
    }
    return fetch(base + path, { method: 'POST', headers: headers, credentials: 'same-origin' })
      .then(function (response) {
        return response.json().catch(function () {
          return { message: 'The server answered ' + response.status + '.' };
        }).then(function (body) {
          return { status: response.status, body: body };
        });
      });
  }

  // A write button: disabled from the first click until the answer, so a double click writes once.
  function actionButton(label, path, options) {
    var button = el('button', { type: 'button', 'class': (options && options.className) || null, 'data-key': path, text: label });
    if (options && options.describedBy) {
      button.setAttribute('aria-label', label + ' ' + options.describedBy);
    }
    button.addEventListener('click', function () {
      if (button.disabled) {
        return;
      }
      if (options && options.confirm && !window.confirm(options.confirm)) {
        return;
      }
      button.disabled = true;
      post(path).then(function (answer) {
        toast(answer.body.message || ('The server answered ' + answer.status + '.'), answer.status >= 400);
        refresh();
      }, function () {
        toast('The request failed; is the application running?', true);
        button.disabled = false;
      });
    });
    return button;
  }

  // ---- overview ----
  function renderOverview(overview) {
    var content = document.createDocumentFragment();
    content.appendChild(el('h1', { text: 'Queues' }));
    content.appendChild(table('queues', 'Queues', ['Queue', { label: 'Pending', num: true }, { label: 'Claimable now', num: true },
      { label: 'Delayed', num: true }, { label: 'Processing', num: true }, { label: 'Dead', num: true },
      { label: 'Oldest pending', num: true }], overview.queues.map(function (queue) {
      return el('tr', { 'data-queue': queue.name },
        el('th', { scope: 'row' }, link(queueHref(queue.name), queue.name)),
        cell(queue.pending, 'num pending'), cell(queue.claimableNow, 'num claimable'), cell(queue.delayed, 'num delayed'),
        cell(queue.processing, 'num processing'), cell(queue.dead, 'num dead-count' + (queue.dead > 0 ? ' nonzero' : '')),
        cell(age(queue.oldestPendingSeconds), 'num oldest'));
    }), 'No queue has jobs yet.'));

    content.appendChild(el('h2', { text: 'Throughput' }));
    content.appendChild(chart(overview.throughput));

    content.appendChild(el('h2', { text: 'Listeners in this application' }));
    content.appendChild(table('listeners', 'Listeners', ['Listener', 'Queue', 'Method', 'State', 'Action'],
      overview.listeners.map(function (listener) {
        var state = listener.failure ? 'failed: ' + listener.failure : (listener.paused ? 'paused' : (listener.running ? 'running' : 'stopped'));
        return el('tr', { 'data-listener': listener.id },
          cell(listener.id), cell(listener.queue || '-'), cell(listener.description),
          cell(state, listener.failure ? 'state-failed' : (listener.paused ? 'state-paused' : null)),
          el('td', null, listener.paused
            ? actionButton('Resume', '/api/listeners/' + encodeURIComponent(listener.id) + '/resume', { describedBy: listener.id })
            : actionButton('Pause', '/api/listeners/' + encodeURIComponent(listener.id) + '/pause', { className: 'secondary', describedBy: listener.id })));
      }), 'This application runs no listeners.'));

    content.appendChild(el('h2', { text: 'Workers seen in claims' }));
    content.appendChild(table('workers', 'Workers', ['Worker', 'Queue', { label: 'Claims now', num: true }, 'Last seen'],
      overview.workers.map(function (worker) {
        return el('tr', null, cell(worker.workerId, 'payload'), cell(worker.queue), cell(worker.claims, 'num'), el('td', null, time(worker.lastSeen)));
      }), 'No worker has held a claim in the last 10 minutes.'));

    content.appendChild(el('h2', { text: 'Schedules' }));
    content.appendChild(table('schedules', 'Schedules', ['Schedule', 'Queue', 'Expression', 'Next fire', 'Last fires here', 'State', 'Action'],
      overview.schedules.map(function (schedule) {
        var fires = el('td', { 'class': 'fires' });
        if (schedule.lastFires.length === 0) {
          fires.appendChild(el('span', { 'class': 'empty', text: '-' }));
        }
        schedule.lastFires.forEach(function (fire, index) {
          if (index > 0) {
            fires.appendChild(document.createTextNode(', '));
          }
          fires.appendChild(time(fire.fireAt));
          fires.appendChild(document.createTextNode(' '));
          fires.appendChild(link(jobHref(fire.jobId), '#' + fire.jobId));
        });
        var path = '/api/schedule/' + (schedule.paused ? 'resume' : 'pause') + '?name=' + encodeURIComponent(schedule.name);
        return el('tr', { 'data-schedule': schedule.name }, cell(schedule.name), cell(schedule.queue), cell(schedule.expression),
          el('td', null, time(schedule.nextFireAt)), fires,
          cell(schedule.paused ? 'paused' : 'active', schedule.paused ? 'state-paused' : null),
          el('td', null, schedule.paused
            ? actionButton('Resume', path, { describedBy: 'schedule ' + schedule.name })
            : actionButton('Pause', path, { className: 'secondary', describedBy: 'schedule ' + schedule.name })));
      }), 'No schedule is registered.'));
    content.appendChild(el('p', { 'class': 'note', text: 'Last fires here: the fires made by this application while it led'
      + ' the scheduler. The database keeps only the next fire of a schedule, so fires made by another process are not shown.' }));

    content.appendChild(el('h2', { text: 'Streams' }));
    var streamRows = [];
    overview.streams.forEach(function (topic) {
      if (topic.consumers.length === 0) {
        streamRows.push(el('tr', { 'data-topic': topic.topic }, cell(topic.topic), cell(topic.lastOffset, 'num'),
          cell('no consumer', 'empty'), cell('-', 'num'), cell('-', 'num')));
      }
      topic.consumers.forEach(function (consumer) {
        streamRows.push(el('tr', { 'data-topic': topic.topic, 'data-consumer': consumer.consumer }, cell(topic.topic),
          cell(topic.lastOffset, 'num'), cell(consumer.consumer), cell(consumer.offset, 'num'), cell(consumer.lag, 'num lag')));
      });
    });
    content.appendChild(table('streams', 'Stream topics and consumers', ['Topic', { label: 'Last offset', num: true }, 'Consumer',
      { label: 'Offset', num: true }, { label: 'Lag', num: true }], streamRows, 'No stream topic has events or consumers.'));
    content.appendChild(el('p', { 'class': 'legend' }, 'Read at ', time(Math.floor(overview.generatedAt / 1000)), '.'));
    replaceMain(content);
  }

  function chart(buckets) {
    var width = 300;
    var height = 60;
    var max = 1;
    var completed = 0;
    var failed = 0;
    buckets.forEach(function (bucket) {
      max = Math.max(max, bucket.completed, bucket.failed);
      completed += bucket.completed;
      failed += bucket.failed;
    });
    var minutes = Math.max(1, Math.round(buckets.length * 10 / 60));
    var summary = 'Last ' + minutes + ' min: ' + completed + ' completed, ' + failed + ' failed (per 10 s bars).';
    var svgNs = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', summary);
    var slot = width / 30;
    buckets.forEach(function (bucket, index) {
      var x = (30 - buckets.length + index) * slot;
      [[bucket.completed, '#166534', 0], [bucket.failed, '#b91c1c', slot / 2]].forEach(function (bar) {
        var barHeight = Math.round(bar[0] / max * (height - 4));
        var rect = document.createElementNS(svgNs, 'rect');
        rect.setAttribute('x', x + bar[2] + 1);
        rect.setAttribute('y', height - barHeight);
        rect.setAttribute('width', Math.max(1, slot / 2 - 2));
        rect.setAttribute('height', barHeight);
        rect.setAttribute('fill', bar[1]);
        svg.appendChild(rect);
      });
    });
    var legend = el('p', { 'class': 'legend', id: 'throughput-summary' },
      el('span', { 'class': 'c', text: completed + ' completed' }), ', ', el('span', { 'class': 'f', text: failed + ' failed' }),
      ' in the last ' + minutes + ' min, per 10 s' + (buckets.length === 0 ? ' (the first bars appear after 20 s)' : '') + '.');
    return el('div', { 'class': 'chart' }, svg, legend);
  }

  // ---- queue page ----
  function renderQueue(page) {
    var queue = page.queue;
    var content = document.createDocumentFragment();
    content.appendChild(el('h1', null, 'Queue ', el('span', { id: 'queue-name', text: queue.name })));
    var counts = el('ul', { 'class': 'counts', id: 'queue-counts' });
    [['Pending', queue.pending, 'pending'], ['Claimable now', queue.claimableNow, 'claimable'], ['Delayed', queue.delayed, 'delayed'],
      ['Processing', queue.processing, 'processing'], ['Dead', queue.dead, 'dead'], ['Oldest pending', age(queue.oldestPendingSeconds), 'oldest']]
      .forEach(function (count) {
        counts.appendChild(el('li', { 'data-count': count[2] }, el('strong', { text: String(count[1]) }), count[0]));
      });
    content.appendChild(counts);

    var tabs = el('div', { 'class': 'tabs', role: 'group', 'aria-label': 'Jobs by state' });
    ['pending', 'processing', 'dead'].forEach(function (state) {
      var button = el('button', { type: 'button', 'class': 'secondary', id: 'tab-' + state, 'aria-pressed': String(page.state === state),
        text: state.charAt(0).toUpperCase() + state.slice(1) });
      button.addEventListener('click', function () {
        queueState = { state: state, pages: [null], limit: queueState.limit };
        refresh();
      });
      tabs.appendChild(button);
    });
    content.appendChild(tabs);

    if (page.state === 'dead') {
      content.appendChild(el('div', { 'class': 'actions' },
        actionButton('Requeue all dead jobs', '/api/queue/requeue-dead?name=' + encodeURIComponent(queue.name), { className: null }),
        actionButton('Delete all dead jobs', '/api/queue/delete-dead?name=' + encodeURIComponent(queue.name),
          { className: 'danger', confirm: 'Delete every dead job of ' + queue.name + ' for good?' })));
    }
    var headings = ['Job', 'Payload', { label: 'Attempts', num: true }, 'Run at'];
    if (page.state === 'processing') {
      headings = headings.concat(['Worker', 'Claim expires']);
    }
    if (page.state === 'dead') {
      headings = headings.concat(['Died', 'Last error', 'Actions']);
    }
    content.appendChild(table('jobs', 'Jobs', headings, page.jobs.map(function (job) {
      var row = el('tr', { 'data-job': job.id },
        el('th', { scope: 'row' }, link(jobHref(job.id), '#' + job.id)),
        cell(job.payloadPreview, 'payload'), cell(job.attempts + ' / ' + job.maxAttempts, 'num'), el('td', null, time(job.runAt)));
      if (page.state === 'processing') {
        row.appendChild(cell(job.workerId, 'payload'));
        row.appendChild(el('td', null, time(job.claimExpiresAt)));
      }
      if (page.state === 'dead') {
        row.appendChild(el('td', null, time(job.diedAt)));
        row.appendChild(el('td', { 'class': 'payload', title: job.lastError || '' }, job.lastError || '-'));
        row.appendChild(el('td', null, el('div', { 'class': 'actions' },
          actionButton('Requeue', '/api/jobs/' + job.id + '/requeue', { describedBy: 'job ' + job.id }),
          actionButton('Delete', '/api/jobs/' + job.id + '/delete', { className: 'danger', describedBy: 'job ' + job.id,
            confirm: 'Delete dead job ' + job.id + ' for good?' }))));
      }
      return row;
    }), 'No ' + page.state + ' jobs.'));

    var pager = el('div', { 'class': 'pager' });
    var first = el('button', { type: 'button', 'class': 'secondary', id: 'first-page', text: 'First page' });
    first.disabled = queueState.pages.length === 1;
    first.addEventListener('click', function () {
      queueState.pages = [null];
      refresh();
    });
    var next = el('button', { type: 'button', 'class': 'secondary', id: 'next-page', text: 'Next page' });
    next.disabled = !page.next;
    next.addEventListener('click', function () {
      queueState.pages.push(page.next);
      refresh();
    });
    pager.appendChild(first);
    pager.appendChild(next);
    pager.appendChild(el('span', { 'class': 'legend', text: 'Page ' + queueState.pages.length + ', ' + page.limit + ' jobs a page.' }));
    content.appendChild(pager);
    replaceMain(content);
  }

  // ---- job page ----
  function pretty(payload) {
    try {
      return JSON.stringify(JSON.parse(payload), null, 2);
    } catch (e) {
      return payload;
    }
  }

  function renderJob(job) {
    var content = document.createDocumentFragment();
    content.appendChild(el('h1', null, 'Job ' + job.id + ' ', el('span', { id: 'job-state', text: job.state })));
    var details = el('dl', { 'class': 'job', id: 'job-details' });
    var add = function (label, value) {
      details.appendChild(el('dt', { text: label }));
      details.appendChild(el('dd', null, value));
    };
    add('Queue', link(queueHref(job.queue), job.queue));
    add('State', job.state);
    add('Attempts', job.attempts + ' of ' + job.maxAttempts);
    add('Priority', String(job.priority));
    add('Run at', time(job.runAt));
    add('Enqueued', time(job.createdAt));
    if (job.workerId) {
      add('Claimed by', job.workerId);
      add('Claim expires', time(job.claimExpiresAt));
    }
    if (job.expiresAt) {
      add('Expires', time(job.expiresAt));
    }
    if (job.diedAt) {
      add('Died', time(job.diedAt));
    }
    content.appendChild(details);
    if (job.state === 'dead') {
      content.appendChild(el('h2', { text: 'Last error' }));
      content.appendChild(el('pre', { id: 'last-error', text: job.lastError || '-' }));
      content.appendChild(el('div', { 'class': 'actions' },
        actionButton('Requeue', '/api/jobs/' + job.id + '/requeue', { describedBy: 'job ' + job.id }),
        actionButton('Delete', '/api/jobs/' + job.id + '/delete', { className: 'danger', describedBy: 'job ' + job.id,
          confirm: 'Delete dead job ' + job.id + ' for good?' })));
    }
    content.appendChild(el('h2', { text: 'Payload' }));
    content.appendChild(el('pre', { id: 'payload', text: pretty(job.payload) }));
    replaceMain(content);
  }

  function renderGone(message) {
    clear(main).appendChild(el('div', { 'class': 'gone' },
      el('h1', { id: 'job-gone', text: 'Job ' + subject + ' is gone' }),
      el('p', { id: 'job-gone-message', text: message }),
      el('p', null, link(base, 'Back to the overview'))));
  }

  // ---- refresh and live updates ----
  function load() {
    if (view === 'overview') {
      return getJson('/api/overview').then(function (answer) {
        renderOverview(answer.body);
      });
    }
    if (view === 'queue') {
      var after = queueState.pages[queueState.pages.length - 1];
      var query = '&state=' + queueState.state + '&limit=' + queueState.limit + (after ? '&after=' + encodeURIComponent(after) : '');
      return getJson('/api/queue?name=' + encodeURIComponent(subject) + query).then(function (answer) {
        if (answer.status === 200) {
          renderQueue(answer.body);
        } else {
          clear(main).appendChild(el('p', { 'class': 'gone', text: answer.body.message }));
        }
      });
    }
    return getJson('/api/jobs/' + encodeURIComponent(subject)).then(function (answer) {
      if (answer.status === 200) {
        renderJob(answer.body);
      } else {
        renderGone(answer.body.message);
      }
    });
  }

  // One refresh at a time; a request for another during one runs once after it.
  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    load().catch(function () {
      toast('Reading the dashboard failed; is the application running?', true);
    }).then(function () {
      refreshing = false;
      if (refreshAgain) {
        refreshAgain = false;
        refresh();
      }
    });
  }

  function setLive(on) {
    liveBadge.textContent = on ? 'Live' : 'Updating every ' + (POLL_MILLIS / 1000) + ' s';
    liveBadge.className = on ? 'on' : '';
    if (on && pollTimer) {
      clearInterval(pollTimer);
      pollTimer = null;
    }
    if (!on && !pollTimer) {
      pollTimer = setInterval(refresh, POLL_MILLIS);
    }
  }

  function connect() {
    if (!window.EventSource) {
      setLive(false);
      return;
    }
    var events = new EventSource(base + '/api/events');
    events.addEventListener('overview', function (event) {
      setLive(true);
      if (view === 'overview') {
        renderOverview(JSON.parse(event.data));
      } else {
        refresh();
      }
    });
    events.addEventListener('error', function () {
      setLive(false);
    });
  }

  crumbs();
  refresh();
  connect();
}());
