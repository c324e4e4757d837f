// Learning at a glance: takeovers per 1,000 steps and success by policy version, and the releases.
import uPlot from '/vendor/uPlot.esm.js';
import { api, esc, may } from '../app.js';

const REFRESH_MS = 2000;

export function learningView(root) {
  root.innerHTML = '<div id="learning"></div><p id="learning-error" class="error" role="alert"></p>';
  const charts = new Map();
  let timer = null;

  const act = async (path, body) => {
    root.querySelector('#learning-error').textContent = '';
    try {
      render(await api(path, body));
    } catch (e) {
      root.querySelector('#learning-error').textContent = e.message;
    }
  };

  const render = tasks => {
    const el = root.querySelector('#learning');
    if (tasks.length === 0) {
      el.innerHTML = '<div class="card muted" id="learning-empty">No fleet statistics or releases yet: they appear '
        + 'once the label job has counted a window of steps.</div>';
      return;
    }
    el.querySelector('#learning-empty')?.remove();
    for (const t of tasks) {
      let card = el.querySelector(`[data-task="${CSS.escape(t.task)}"]`);
      if (!card) {
        card = document.createElement('div');
        card.className = 'card';
        card.dataset.task = t.task;
        card.innerHTML = `<h2>${esc(t.task)}</h2><div class="grid2"><div class="chart"></div>
          <div><h3>Releases</h3><table class="releases"><thead><tr><th>Channel</th><th>Version</th><th>Set by</th>
          <th>Why</th></tr></thead><tbody></tbody></table><div class="release-actions controls"></div></div></div>
          <h3>Versions</h3><table class="versions"><thead><tr><th>Version</th><th class="num">Steps</th>
          <th class="num">Takeovers / 1k</th><th class="num">Success</th><th class="num">Robots</th><th></th></tr></thead>
          <tbody></tbody></table>`;
        el.appendChild(card);
        charts.set(t.task, new uPlot({
          title: 'Takeovers per 1,000 steps and success rate, by version', width: 520, height: 240,
          scales: { x: { time: false }, rate: {}, share: { range: [0, 1] } },
          series: [{ label: 'version' },
            { label: 'takeovers / 1k', stroke: '#e8590c', width: 2, scale: 'rate', points: { show: true } },
            { label: 'success', stroke: '#2b8a3e', width: 2, scale: 'share', points: { show: true } }],
          axes: [{ label: 'policy version', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, { scale: 'rate', label: 'takeovers / 1k' },
            { scale: 'share', side: 1, label: 'success', grid: { show: false } }],
        }, [[], [], []], card.querySelector('.chart')));
      }
      const versions = t.versions;
      charts.get(t.task).setData([versions.map(v => v.version), versions.map(v => v.takeoversPer1k),
        versions.map(v => (v.episodes ? v.successRate : null))]);
      const channelOf = {};
      for (const c of t.channels) if (c.version) channelOf[c.version] = c.channel;
      card.querySelector('.releases tbody').innerHTML = t.channels.map(c => `<tr data-channel="${esc(c.channel)}">
        <td>${esc(c.channel)}${c.pinned ? ' <span class="tag">pinned</span>' : ''}${c.channel === 'canary' && c.version
          ? ` <span class="tag">${Math.round(c.canaryShare * 100)}% of robots</span>` : ''}</td>
        <td>${c.version ? 'v' + c.version : 'none'}</td><td>${esc(c.setBy)}</td><td>${esc(c.reason)}</td></tr>`).join('')
        || '<tr><td colspan="4" class="muted">no releases</td></tr>';
      const stable = t.channels.find(c => c.channel === 'stable');
      const actions = card.querySelector('.release-actions');
      actions.innerHTML = may('mlops') && stable && stable.history.length
        ? `<button class="rollback secondary">Roll back stable to v${stable.history[0]}</button>` : '';
      const rollback = actions.querySelector('.rollback');
      if (rollback) rollback.onclick = () => act(`/api/releases/${encodeURIComponent(t.task)}/rollback`, {});
      card.querySelector('.versions tbody').innerHTML = [...versions].reverse().map(v => `<tr data-version="${v.version}">
        <td>v${v.version} ${channelOf[v.version] ? `<span class="tag">${channelOf[v.version]}</span>` : ''}</td>
        <td class="num">${v.steps.toLocaleString()}</td><td class="num">${v.takeoversPer1k.toFixed(2)}</td>
        <td class="num">${v.episodes ? Math.round(v.successRate * 100) + '%' : '–'}</td><td class="num">${v.robots}</td>
        <td>${may('mlops') && v.version > 0 && channelOf[v.version] !== 'stable'
          ? `<button class="promote" data-version="${v.version}">Promote to stable</button>` : ''}</td></tr>`).join('');
      card.querySelectorAll('.promote').forEach(b => {
        b.onclick = () => act(`/api/releases/${encodeURIComponent(t.task)}/promote`,
          { version: Number(b.dataset.version), channel: 'stable', reason: 'promoted at the console' });
      });
    }
  };

  const load = () => api('/api/learning').then(render, e => {
    root.querySelector('#learning-error').textContent = e.message;
  });
  load();
  timer = setInterval(load, REFRESH_MS);
  return { leave: () => { clearInterval(timer); charts.forEach(chart => chart.destroy()); } };
}
