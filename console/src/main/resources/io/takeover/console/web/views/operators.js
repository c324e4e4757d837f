// Operators: each one's takeovers, hand-backs, time in control, and how often the robot needed help again soon.
import { api, esc } from '../app.js';

export function operatorsView(root) {
  root.innerHTML = `<div class="card"><table id="operators"><thead><tr><th>Operator</th><th class="num">Takeovers</th>
    <th class="num">Hand-backs</th><th class="num">Time in control</th><th class="num">Needed again within 5 s</th>
    <th>Last active</th></tr></thead><tbody></tbody></table>
    <p class="hint">Needed again: the share of an operator's hand-backs after which the same robot was taken over again
    within 5 s, in the same episode. A high share suggests hand-backs in states the policy cannot handle yet.</p></div>
    <p id="operators-error" class="error" role="alert"></p>`;
  const load = () => api('/api/operators').then(list => {
    root.querySelector('#operators tbody').innerHTML = list.map(o => `<tr data-operator="${esc(o.operator)}">
      <td>${esc(o.operator)}</td><td class="num">${o.takeovers}</td><td class="num">${o.handbacks}</td>
      <td class="num">${(o.controlMillis / 1000).toFixed(1)} s</td>
      <td class="num">${o.neededAgainSoon} (${Math.round(o.neededAgainSoonShare * 100)}%)</td>
      <td>${o.lastActive ? new Date(o.lastActive).toLocaleTimeString() : '–'}</td></tr>`).join('');
  }, e => { root.querySelector('#operators-error').textContent = e.message; });
  load();
  const timer = setInterval(load, 2000);
  return { leave: () => clearInterval(timer) };
}
