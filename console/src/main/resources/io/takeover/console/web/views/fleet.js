// Fleet view: every robot heard from, ranked by need of help, filterable by id, task and version.
import { esc, ago, subscribe } from '../app.js';

const SHOWN = 100; // rows drawn; a large fleet is narrowed with the filters

export function controllerTag(row) {
  const line = row.line;
  if (row.heldAtConsoleBy) return `<span class="tag me">${esc(row.heldAtConsoleBy)} (console)</span>`;
  if (line.controller) return `<span class="tag operator">${esc(line.controller)}</span>`;
  return `<span class="tag policy">policy</span>`;
}

export function fleetView(root) {
  root.innerHTML = `
    <div class="card">
      <div class="filters">
        <label>Robot <input id="filter-robot" placeholder="id contains…" size="14"></label>
        <label>Task <select id="filter-task"><option value="">all</option></select></label>
        <label>Version <select id="filter-version"><option value="">all</option></select></label>
        <span id="fleet-count" class="muted"></span>
      </div>
      <table id="fleet">
        <thead><tr><th>Robot</th><th>Needs help</th><th>Task</th><th>Version</th><th>Channel</th>
          <th>In control</th><th>Last step</th><th>Episode step</th></tr></thead>
        <tbody></tbody>
      </table>
      <p class="hint">Needs help: takeovers per 1,000 of the robot's last 2,000 steps; flagged at twice the fleet's median (and at least 5).
        Click a robot to watch it and take over.</p>
    </div>`;
  const task = root.querySelector('#filter-task');
  const version = root.querySelector('#filter-version');
  const robotFilter = root.querySelector('#filter-robot');
  let last = null;
  const options = (select, values) => {
    const chosen = select.value;
    select.innerHTML = '<option value="">all</option>' + values.map(v => `<option>${esc(v)}</option>`).join('');
    select.value = values.map(String).includes(chosen) ? chosen : '';
  };
  const render = view => {
    last = view;
    options(task, view.tasks);
    options(version, [...new Set(view.robots.map(r => r.line.version))].sort((a, b) => a - b));
    const rows = view.robots.filter(r => (!task.value || r.line.task === task.value)
      && (!version.value || String(r.line.version) === version.value)
      && (!robotFilter.value || r.line.robot.includes(robotFilter.value.trim())));
    const online = rows.filter(r => r.line.online).length;
    root.querySelector('#fleet-count').textContent = `${online} online of ${rows.length}`
      + (rows.length > SHOWN ? `; the ${SHOWN} most at risk shown, filter to see others` : '');
    root.querySelector('#fleet tbody').innerHTML = rows.slice(0, SHOWN).map(r => {
      const l = r.line;
      return `<tr data-robot="${esc(l.robot)}" class="${l.online ? '' : 'offline'} ${l.needsHelp ? 'help' : ''}">
        <td><a href="#/robot/${encodeURIComponent(l.robot)}">${esc(l.robot)}</a></td>
        <td><span class="bar" style="width:${Math.min(80, l.risk * 2)}px"></span> ${l.risk.toFixed(1)}
          ${l.needsHelp ? '<span class="tag help">needs help</span>' : ''}</td>
        <td>${esc(l.task)}</td><td>v${l.version}</td><td>${esc(r.channel || '–')}</td>
        <td>${controllerTag(r)}</td>
        <td>${l.online ? ago(l.sinceLastStepMillis) + ' ago' : 'offline'}</td><td class="num">${l.step}</td></tr>`;
    }).join('');
  };
  task.onchange = version.onchange = robotFilter.oninput = () => last && render(last);
  subscribe(null, { fleet: render });
}
