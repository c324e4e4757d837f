// Driving from the keyboard or a gamepad (the browser's Gamepad API): an action in the task's bounds.
const KEYS = {
  ArrowLeft: [0, -1], a: [0, -1], ArrowRight: [0, 1], d: [0, 1],
  ArrowDown: [1, -1], s: [1, -1], ArrowUp: [1, 1], w: [1, 1],
};

export class Driver {
  constructor(task) {
    this.task = task;
    this.pressed = new Set();
    this.onKey = e => {
      if (!(e.key in KEYS) || e.target.tagName === 'INPUT') return;
      e.preventDefault();
      if (e.type === 'keydown') this.pressed.add(e.key); else this.pressed.delete(e.key);
    };
    // a key released while the page had no focus sends no keyup: let go of every key then
    this.release = () => this.pressed.clear();
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('keyup', this.onKey);
    window.addEventListener('blur', this.release);
    document.addEventListener('visibilitychange', this.release);
  }

  /** The action now: keys push an axis to its bound; a gamepad's sticks move each axis in proportion. */
  action() {
    const n = this.task.actDim;
    const share = new Array(n).fill(0);
    for (const key of this.pressed) {
      const [axis, sign] = KEYS[key];
      if (axis < n) share[axis] += sign;
    }
    const pad = [...(navigator.getGamepads ? navigator.getGamepads() : [])].find(p => p);
    if (pad) {
      pad.axes.slice(0, n).forEach((v, i) => { if (Math.abs(v) > 0.08) share[i] += (i === 1 ? -v : v); });
    }
    return share.map((s, i) => {
      const clipped = Math.max(-1, Math.min(1, s));
      const low = this.task.actionLow[i], high = this.task.actionHigh[i];
      const mid = (low + high) / 2, half = (high - low) / 2;
      return mid + clipped * half;
    });
  }

  source() {
    const pad = [...(navigator.getGamepads ? navigator.getGamepads() : [])].find(p => p);
    return pad ? `gamepad "${pad.id}"` : 'keyboard: ← → (and ↑ ↓ for a second axis)';
  }

  stop() {
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('keyup', this.onKey);
    window.removeEventListener('blur', this.release);
    document.removeEventListener('visibilitychange', this.release);
  }
}
