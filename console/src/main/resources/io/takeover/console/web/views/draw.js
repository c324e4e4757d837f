// Draws a robot as what it is: the pendulum and the two-link reacher; other tasks have plots only.
const COLORS = { POLICY: '#2f6fde', OPERATOR: '#e8590c' };

export function canDraw(task) {
  return task && (task.name === 'pendulum' || task.name === 'reacher');
}

/** Draws the newest step of a robot of `task` on `canvas`; `step.control` colours it. */
export function drawRobot(canvas, task, step) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  if (!step || !canDraw(task)) return;
  const color = COLORS[step.control] || '#667085';
  const o = step.observation;
  ctx.lineCap = 'round';
  if (task.name === 'pendulum') {
    // observation [cos θ, sin θ, θ̇], θ = 0 upright
    const cx = w / 2, cy = h / 2, r = w * 0.36;
    const x = cx + r * o[1], y = cy - r * o[0];
    ctx.strokeStyle = '#d0d5dd'; ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(cx, cy - r); ctx.stroke(); ctx.setLineDash([]);
    ctx.strokeStyle = color; ctx.lineWidth = 14;
    ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(x, y); ctx.stroke();
    ctx.fillStyle = '#111827'; ctx.beginPath(); ctx.arc(cx, cy, 7, 0, 2 * Math.PI); ctx.fill();
    torqueArc(ctx, cx, cy, step.action[0] ?? 0, task.actionHigh[0], color);
  } else {
    // observation [cos q1, sin q1, cos q2, sin q2, target x, target y, ...], links of 0.1 m
    const scale = w / 0.5, cx = w / 2, cy = h / 2, link = 0.1 * scale;
    const q1 = Math.atan2(o[1], o[0]), q2 = Math.atan2(o[3], o[2]);
    const ex = cx + link * Math.cos(q1), ey = cy - link * Math.sin(q1);
    const tx = ex + link * Math.cos(q1 + q2), ty = ey - link * Math.sin(q1 + q2);
    ctx.strokeStyle = '#d0d5dd'; ctx.beginPath(); ctx.arc(cx, cy, 2 * link, 0, 2 * Math.PI); ctx.stroke();
    ctx.fillStyle = '#2b8a3e'; ctx.beginPath(); ctx.arc(cx + o[4] * scale, cy - o[5] * scale, 8, 0, 2 * Math.PI); ctx.fill();
    ctx.strokeStyle = color; ctx.lineWidth = 10;
    ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(ex, ey); ctx.lineTo(tx, ty); ctx.stroke();
    ctx.fillStyle = '#111827';
    for (const [px, py] of [[cx, cy], [ex, ey]]) { ctx.beginPath(); ctx.arc(px, py, 5, 0, 2 * Math.PI); ctx.fill(); }
  }
  ctx.fillStyle = color; ctx.font = '14px system-ui';
  ctx.fillText(step.control === 'OPERATOR' ? 'operator in control' : 'policy in control', 12, h - 14);
}

function torqueArc(ctx, cx, cy, torque, max, color) {
  if (!torque) return;
  const share = Math.max(-1, Math.min(1, torque / max));
  ctx.strokeStyle = color; ctx.lineWidth = 4; ctx.globalAlpha = 0.5;
  ctx.beginPath(); ctx.arc(cx, cy, 30, -Math.PI / 2, -Math.PI / 2 - share * Math.PI, share > 0); ctx.stroke();
  ctx.globalAlpha = 1;
}
