// The console's page: sign-in, a hash router over the views, and one live stream (Server-Sent Events).
import { fleetView } from './views/fleet.js';
import { robotView } from './views/robot.js';
import { learningView } from './views/learning.js';
import { operatorsView } from './views/operators.js';

export const session = { user: null, roles: [] };

/** Calls the console's API; throws an Error with the server's words when it refuses. */
export async function api(path, body) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  if (response.status === 401) {
    showSignIn();
    throw new Error('signed out: sign in again');
  }
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

export function may(role) {
  return session.roles.includes(role);
}

/** Escapes text for HTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function ago(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60000)} min`;
}

let live = null;
let current = null;

/** Opens the live stream; the robot in view, if any, gets its steps too. */
export function subscribe(robot, handlers) {
  if (live) live.close();
  const stream = new EventSource('/api/live' + (robot ? `?robot=${encodeURIComponent(robot)}` : ''));
  live = stream;
  for (const [event, handler] of Object.entries(handlers)) {
    stream.addEventListener(event, e => handler(JSON.parse(e.data)));
  }
  // the browser retries a dropped stream by itself, but not one the server refused (signed out, restarted)
  stream.onerror = () => {
    if (stream.readyState !== EventSource.CLOSED || live !== stream) return;
    fetch('/api/me').then(r => {
      if (r.status === 401) showSignIn();
      else setTimeout(() => { if (live === stream) subscribe(robot, handlers); }, 2000);
    }, () => setTimeout(() => { if (live === stream) subscribe(robot, handlers); }, 2000));
  };
}

function route() {
  if (!session.user) return;
  if (current && current.leave) current.leave();
  if (live) { live.close(); live = null; }
  const [, name = 'fleet', arg] = location.hash.split('/');
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.view === name));
  const root = document.getElementById('view');
  root.innerHTML = '';
  const views = { fleet: fleetView, robot: robotView, learning: learningView, operators: operatorsView };
  current = (views[name] || fleetView)(root, arg ? decodeURIComponent(arg) : null) || null;
}

function showSignIn() {
  session.user = null;
  document.getElementById('sign-in-form').hidden = false;
  document.getElementById('nav').hidden = true;
  document.getElementById('view').innerHTML = '';
  document.getElementById('whoami').textContent = '';
  if (current && current.leave) current.leave();
  if (live) { live.close(); live = null; }
}

function signedIn(me) {
  session.user = me.user;
  session.roles = me.roles;
  document.getElementById('sign-in-form').hidden = true;
  document.getElementById('nav').hidden = false;
  const who = document.getElementById('whoami');
  who.innerHTML = `<span id="signed-in-as">${esc(me.user)}</span> <span class="muted">(${esc(me.roles.join(', ') || 'viewer')})</span>`
    + ' <button id="sign-out" class="secondary">Sign out</button>';
  document.getElementById('sign-out').onclick = async () => {
    await api('/api/sign-out', {});
    showSignIn();
  };
  route();
}

document.getElementById('sign-in-form').addEventListener('submit', async event => {
  event.preventDefault();
  const error = document.getElementById('sign-in-error');
  error.textContent = '';
  try {
    signedIn(await api('/api/sign-in', {
      user: document.getElementById('user').value, password: document.getElementById('password').value,
    }));
  } catch (e) {
    error.textContent = e.message;
  }
});

window.addEventListener('hashchange', route);

fetch('/api/me').then(r => (r.ok ? r.json().then(signedIn) : showSignIn()), showSignIn);
