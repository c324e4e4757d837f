// Robot view: the robot live, its fields as plots, takeover / drive / hand back, its recent history.
import uPlot from '/vendor/uPlot.esm.js';
import { api, esc, ago, may, session, subscribe } from '../app.js';
import { canDraw, drawRobot } from './draw.js';
import { controllerTag } from './fleet.js';
import { Driver } from './drive.js';

const WINDOW = 200; // steps on the plots
const DRIVE_EVERY_MS = 50;

export function robotView(root, robot) {
  root.innerHTML = `
    <div class="card">
      <h2 id="robot-title">${esc(robot)}</h2>
      <div id="robot-line" class="muted">waiting for its steps…</div>
      <div class="controls">
        <button id="takeover" class="danger" disabled>Take over</button>
        <button id="handback" class="secondary" disabled>Hand back</button>
        <span id="control-status"></span>
      </div>
      <div id="drive-hint" class="hint"></div>
      <p id="robot-error" class="error" role="alert"></p>
    </div>
    <div class="robot-grid">
      <div class="card"><canvas id="robot-canvas" width="400" height="400"></canvas></div>
      <div class="card"><div id="robot-plots"></div></div>
    </div>
    <div class="grid2">
      <div class="card"><h3>Takeovers and hand-backs</h3><ul id="robot-events" class="events"></ul></div>
      <div class="card"><h3>Recent episodes</h3><table id="robot-episodes"><thead><tr><th>Episode</th><th>Steps</th>
        <th>Operator steps</th><th>Success</th></tr></thead><tbody></tbody></table></div>
    </div>`;
  const $ = id => root.querySelector('#' + id);
  const steps = [];
  let task = null;
  let line = null;
  let plots = [];
  let driver = null;
  let driving = null;
  let inFlight = false;
  let drivable = true;
  let driveRequest = Promise.resolve();
  let heldSince = 0; // server time of our takeover: older fleet snapshots do not know of it

  const status = () => {
    const mine = line && line.heldAtConsoleBy === session.user;
    $('takeover').disabled = !may('operator') || !line || !line.line.online || !!line.heldAtConsoleBy;
    $('handback').disabled = !mine;
    $('control-status').innerHTML = !line ? '' : mine
      ? `<span class="tag me">You are in control of ${esc(robot)}</span>`
      : `In control: ${controllerTag(line)}`;
    if (!may('operator')) $('drive-hint').textContent = 'Taking over needs the operator role.';
  };

  const makePlots = () => {
    const el = $('robot-plots');
    plots.forEach(({ plot }) => plot.destroy());
    el.innerHTML = '';
    const fields = [
      ...task.observationNames.map((n, i) => ({ title: n, pick: s => s.observation[i] })),
      ...task.actionNames.map((n, i) => ({ title: n + ' (action)', pick: s => s.action[i] ?? null })),
    ];
    if (fields.length === 0) {
      for (let i = 0; i < task.obsDim; i++) fields.push({ title: `observation[${i}]`, pick: s => s.observation[i] });
      for (let i = 0; i < task.actDim; i++) fields.push({ title: `action[${i}]`, pick: s => s.action[i] ?? null });
    }
    plots = fields.slice(0, 12).map(field => {
      const div = document.createElement('div');
      el.appendChild(div);
      const plot = new uPlot({
        title: field.title, width: 300, height: 110, legend: { show: false },
        scales: { x: { time: false } },
        series: [{}, { stroke: '#2f6fde', width: 1.5 }, { stroke: '#e8590c', width: 2 }],
        axes: [{ show: false }, { size: 40 }],
      }, [[], [], []], div);
      return { field, plot };
    });
    el.style.display = 'grid';
    el.style.gridTemplateColumns = 'repeat(auto-fill, minmax(300px, 1fr))';
  };

  const redraw = () => {
    const shown = steps.slice(-WINDOW);
    const xs = shown.map(s => s.seq);
    for (const { field, plot } of plots) {
      // policy and operator steps in two colours
      const ys = shown.map(field.pick);
      plot.setData([xs, ys.map((y, i) => (shown[i].control === 'OPERATOR' ? null : y)),
        ys.map((y, i) => (shown[i].control === 'OPERATOR' ? y : null))]);
    }
    drawRobot($('robot-canvas'), task, steps[steps.length - 1]);
  };

  const onRobot = detail => {
    if (detail.task && (!task || task.name !== detail.task.name)) {
      task = detail.task;
      makePlots();
      if (!canDraw(task)) $('robot-canvas').parentElement.innerHTML = `<p class="muted">${esc(task.name)}: `
        + `${esc(task.description || 'a registered task')}. Its fields are plotted on the right.</p>`;
    }
    steps.push(...detail.steps);
    steps.splice(0, Math.max(0, steps.length - WINDOW));
    const l = detail.line;
    $('robot-line').innerHTML = `${esc(l.task)} · policy v${l.version} · episode ${esc(l.episode)} step ${l.step}`
      + ` · takeover risk ${l.risk.toFixed(1)} per 1k steps · last step ${ago(l.sinceLastStepMillis)} ago`;
    $('robot-events').innerHTML = detail.events.map(e => `<li><b>${e.kind}</b> by ${esc(e.operator)}`
      + ` at ${new Date(e.time).toLocaleTimeString()}${e.reason ? ' — ' + esc(e.reason) : ''}</li>`).join('')
      || '<li class="muted">none lately</li>';
    $('robot-episodes').querySelector('tbody').innerHTML = detail.episodes.map(e => `<tr><td>${esc(e.episode)}</td>`
      + `<td class="num">${e.steps}</td><td class="num">${e.operatorSteps}</td>`
      + `<td>${e.success === null ? '–' : e.success ? 'yes' : 'no'}</td></tr>`).join('');
    if (task) redraw();
  };

  const onFleet = view => {
    if (view.now < heldSince) return;
    line = view.robots.find(r => r.line.robot === robot) || null;
    if (driving && line && line.heldAtConsoleBy !== session.user) stopDriving('the hold ended');
    status();
  };

  const startDriving = () => {
    driver = new Driver(task);
    $('drive-hint').textContent = `Driving with the ${driver.source()}. Hand back when the robot is safe.`;
    driving = setInterval(async () => {
      if (inFlight) return;
      inFlight = true;
      driveRequest = api(`/api/robots/${encodeURIComponent(robot)}/drive`, { action: driver.action() })
        .catch(e => { $('robot-error').textContent = e.message; })
        .finally(() => { inFlight = false; });
    }, DRIVE_EVERY_MS);
  };

  const stopDriving = why => {
    clearInterval(driving);
    driving = null;
    if (driver) driver.stop();
    driver = null;
    $('drive-hint').textContent = why ? `Not driving: ${why}.` : '';
  };

  $('takeover').onclick = async () => {
    $('robot-error').textContent = '';
    if (!task) {
      $('robot-error').textContent = `The console does not know ${robot}'s task yet (no registration seen): `
        + 'it cannot tell which actions it takes. Try again in a moment.';
      return;
    }
    try {
      const held = await api(`/api/robots/${encodeURIComponent(robot)}/takeover`, { reason: 'at the console' });
      drivable = held.drivable;
      heldSince = held.at;
      if (line) line.heldAtConsoleBy = session.user;
      if (drivable) {
        startDriving();
        // a robot that obeys writes its TAKEOVER at its next step; one that does not never will
        setTimeout(() => {
          if (driving && line && line.line.controller !== session.user) {
            $('robot-error').textContent = `${robot} has not taken the takeover 3 s after it was sent: it may not `
              + 'obey teleoperation (the console\'s --teleop-robots names it). Hand it back.';
          }
        }, 3000);
      } else {
        $('drive-hint').textContent = 'This robot is driven by its own teleop device; its steps say OPERATOR.';
      }
      status();
    } catch (e) {
      $('robot-error').textContent = e.message;
    }
  };

  $('handback').onclick = async () => {
    $('robot-error').textContent = '';
    stopDriving();
    await driveRequest; // the last drive command reaches the robot before the hand-back, never after
    try {
      await api(`/api/robots/${encodeURIComponent(robot)}/handback`, { reason: 'handed back at the console' });
      if (line) line.heldAtConsoleBy = null;
      status();
    } catch (e) {
      $('robot-error').textContent = e.message;
    }
  };

  subscribe(robot, { robot: onRobot, fleet: onFleet });
  return { leave: () => { stopDriving(); plots.forEach(({ plot }) => plot.destroy()); } };
}
