// Bottleneck latent explorer: draws /api/points on a canvas and asks the server to decode what
// the cursor points at. Plain JS, no libraries, every request to this server only.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d',
    '#31a354', '#756bb1', '#636363'];
  const colour = label => label < 0 ? '#555' : PALETTE[label % PALETTE.length];
  const HOVER_PX = 6;      // a point within this many pixels of the cursor is "hovered"
  const STEPS = 10;        // images in the interpolation strip
  const NEIGHBOURS = 8;

  const plane = $('plane'), ctx = plane.getContext('2d');
  const decoded = $('decoded'), dctx = decoded.getContext('2d');
  let info = null, pts = null, view = null;
  let hovered = -1, pins = [], drag = null, decodes = 0, ready = 'loading…';

  function status(message, error) {
    $('status').textContent = message;
    $('status').classList.toggle('error', !!error);
  }

  async function fetchOk(url) {
    const r = await fetch(url);
    if (!r.ok) {
      let message = r.status + ' ' + r.statusText;
      try { message = (await r.json()).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return r;
  }
  const json = async url => (await fetchOk(url)).json();
  const imageUrl = async url => URL.createObjectURL(await (await fetchOk(url)).blob());

  /** Wraps an async task so that at most one runs at a time and only the latest request waits. */
  function latest(task) {
    let busy = false, next = null;
    return arg => {
      next = { arg };
      if (busy) return;
      busy = true;
      (async () => {
        while (next) {
          const { arg: a } = next;
          next = null;
          try {
            await task(a);
            if ($('status').classList.contains('error')) status(ready); // a passing 503 must not stay red
          } catch (e) { status(e.message, true); }
        }
        busy = false;
      })();
    };
  }

  // ---- view: the plane point at the canvas centre and the pixels per unit -------------------
  function fit() {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < pts.n; i++) {
      x0 = Math.min(x0, pts.x[i]); x1 = Math.max(x1, pts.x[i]);
      y0 = Math.min(y0, pts.y[i]); y1 = Math.max(y1, pts.y[i]);
    }
    const dx = Math.max(x1 - x0, 1e-6), dy = Math.max(y1 - y0, 1e-6);
    view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, k: 0.92 * Math.min(plane.width / dx, plane.height / dy) };
  }
  const toScreen = (x, y) => [plane.width / 2 + (x - view.cx) * view.k, plane.height / 2 - (y - view.cy) * view.k];
  const toPlane = (sx, sy) => [view.cx + (sx - plane.width / 2) / view.k, view.cy - (sy - plane.height / 2) / view.k];

  function draw() {
    const w = plane.width, h = plane.height;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const [ox, oy] = toScreen(0, 0);
    ctx.strokeStyle = '#e3e6ee';
    ctx.beginPath();
    ctx.moveTo(ox, 0); ctx.lineTo(ox, h); ctx.moveTo(0, oy); ctx.lineTo(w, oy);
    ctx.stroke();
    let drawn = 0;
    const order = [...Array(pts.n).keys()].sort((a, b) => pts.label[a] - pts.label[b]);
    let current = null;
    for (const i of order) {
      const [sx, sy] = toScreen(pts.x[i], pts.y[i]);
      if (sx < -2 || sy < -2 || sx > w + 2 || sy > h + 2) continue;
      const c = colour(pts.label[i]);
      if (c !== current) { ctx.fillStyle = c; current = c; }
      ctx.fillRect(sx - 1.5, sy - 1.5, 3, 3);
      drawn++;
    }
    plane.dataset.pointsDrawn = drawn;
    if (hovered >= 0) ring(pts.x[hovered], pts.y[hovered], '#000', 6);
    if (pins.length === 2) {
      const [a, b] = pins.map(p => toScreen(p.x, p.y));
      ctx.strokeStyle = '#1d2330'; ctx.setLineDash([4, 3]);
      ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      ctx.setLineDash([]);
    }
    pins.forEach((p, k) => {
      ring(p.x, p.y, '#d62728', 7);
      const [sx, sy] = toScreen(p.x, p.y);
      ctx.fillStyle = '#d62728'; ctx.font = 'bold 13px system-ui';
      ctx.fillText('AB'[k], sx + 9, sy - 7);
    });
  }

  function ring(x, y, c, r) {
    const [sx, sy] = toScreen(x, y);
    ctx.strokeStyle = c; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(sx, sy, r, 0, 2 * Math.PI); ctx.stroke();
    ctx.lineWidth = 1;
  }

  function nearestPoint(sx, sy) {
    let best = -1, bestD = HOVER_PX * HOVER_PX;
    for (let i = 0; i < pts.n; i++) {
      const [px, py] = toScreen(pts.x[i], pts.y[i]);
      const d = (px - sx) * (px - sx) + (py - sy) * (py - sy);
      if (d <= bestD) { best = i; bestD = d; }
    }
    return best;
  }

  // ---- what the cursor points at ---------------------------------------------------------------
  const decodeAt = latest(async ([x, y]) => {
    const blob = await (await fetchOk(`/api/decode?p=${x},${y}`)).blob();
    const bitmap = await createImageBitmap(blob);
    dctx.imageSmoothingEnabled = false;
    dctx.fillStyle = '#000';
    dctx.fillRect(0, 0, decoded.width, decoded.height);
    // Keep the aspect: a table's heat strip is one row of cells, an image may not be square.
    const s = Math.min(decoded.width / bitmap.width, decoded.height / bitmap.height);
    const bw = bitmap.width * s, bh = bitmap.height * s;
    dctx.drawImage(bitmap, (decoded.width - bw) / 2, (decoded.height - bh) / 2, bw, bh);
    decoded.dataset.decodes = ++decodes;
    $('coords').textContent = `x ${x.toFixed(3)}, y ${y.toFixed(3)}`;
  });

  const showPoint = latest(async i => {
    const [image, recon, near] = await Promise.all([imageUrl(`/api/image?i=${i}`),
      imageUrl(`/api/reconstruct?i=${i}`), json(`/api/neighbours?i=${i}&k=${Math.min(NEIGHBOURS, pts.n - 1)}`)]);
    $('point-panel').hidden = false;
    $('point-index').textContent = '#' + i;
    setLabel($('point-label'), near.label);
    swapSrc($('point-image'), image);
    swapSrc($('point-recon'), recon);
    const box = $('neighbours');
    box.replaceChildren(...near.neighbours.map(nb => {
      const f = document.createElement('figure');
      const img = document.createElement('img');
      img.src = `/api/image?i=${nb.i}`;
      img.alt = `point ${nb.i}`;
      const cap = document.createElement('figcaption');
      cap.textContent = `${labelName(nb.label)} · ${nb.distance.toFixed(2)}`;
      f.append(img, cap);
      return f;
    }));
    box.dataset.count = near.neighbours.length;
  });

  function swapSrc(img, url) {
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
    img.src = url;
  }

  const labelName = l => l < 0 ? 'unlabelled' : (pts.classes[l] ?? String(l));
  function setLabel(el, l) {
    el.textContent = labelName(l);
    el.style.setProperty('--c', colour(l));
  }

  // ---- pins and the interpolation between them ------------------------------------------------
  function pin(sx, sy) {
    const p = hovered >= 0 ? { x: pts.x[hovered], y: pts.y[hovered], i: hovered }
      : (([x, y]) => ({ x, y, i: -1 }))(toPlane(sx, sy));
    pins = pins.length >= 2 ? [p] : [...pins, p];
    draw();
    showPins();
  }

  const interpolate = latest(async ([a, b]) => {
    const end = p => encodeURIComponent(p.i >= 0 ? '#' + p.i : `${p.x},${p.y}`);
    const strip = $('strip'), steps = Math.min(STEPS, info.limits.steps);
    swapSrc(strip, await imageUrl(`/api/interpolate?a=${end(a)}&b=${end(b)}&steps=${steps}`));
    strip.dataset.steps = steps;
  });

  function showPins() {
    $('pins-panel').hidden = pins.length === 0;
    $('pins').textContent = pins.map((p, k) => 'AB'[k] + ': ' + (p.i >= 0 ? `point #${p.i} (${labelName(pts.label[p.i])})`
      : `(${p.x.toFixed(2)}, ${p.y.toFixed(2)})`)).join('   ');
    const strip = $('strip');
    strip.hidden = pins.length < 2;
    if (pins.length === 2) interpolate(pins);
    else delete strip.dataset.steps;
  }

  // ---- the decoded grid -----------------------------------------------------------------------
  async function toggleGrid() {
    const button = $('grid-toggle'), grid = $('grid');
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Hide decoded grid' : 'Show decoded grid';
    if (!on) { grid.hidden = true; return; }
    const n = Math.max(2, Math.min(info.limits.grid, parseInt($('grid-size').value, 10) || 12));
    $('grid-size').value = n;
    try {
      swapSrc(grid, await imageUrl(`/api/grid?n=${n}`));
      grid.dataset.side = n;
      grid.hidden = false;
    } catch (e) { status(e.message, true); }
  }

  // ---- mouse ----------------------------------------------------------------------------------
  const local = e => { const r = plane.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };

  plane.addEventListener('mousemove', e => {
    if (!view) return; // nothing loaded yet
    const [sx, sy] = local(e);
    if (drag) {
      const dx = sx - drag.sx, dy = sy - drag.sy;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) {
        view.cx = drag.cx - dx / view.k;
        view.cy = drag.cy + dy / view.k;
        draw();
      }
      return;
    }
    const near = nearestPoint(sx, sy);
    if (near !== hovered) {
      hovered = near;
      draw();
      if (near >= 0) showPoint(near);
    }
    decodeAt(toPlane(sx, sy));
  });
  plane.addEventListener('mousedown', e => {
    if (!view) return; // nothing loaded yet
    const [sx, sy] = local(e);
    drag = { sx, sy, cx: view.cx, cy: view.cy, moved: false };
  });
  window.addEventListener('mouseup', e => {
    if (!drag) return;
    const wasClick = !drag.moved && e.target === plane;
    drag = null;
    if (wasClick) pin(...local(e));
  });
  plane.addEventListener('mouseleave', () => { if (hovered >= 0) { hovered = -1; draw(); } });
  plane.addEventListener('wheel', e => {
    if (!view) return; // nothing loaded yet
    e.preventDefault();
    const [sx, sy] = local(e);
    const [px, py] = toPlane(sx, sy);
    view.k *= Math.exp(-e.deltaY * 0.0015);
    view.cx = px - (sx - plane.width / 2) / view.k;   // keep the point under the cursor in place
    view.cy = py + (sy - plane.height / 2) / view.k;
    draw();
  }, { passive: false });

  $('reset').addEventListener('click', () => { fit(); draw(); });
  $('grid-toggle').addEventListener('click', toggleGrid);
  $('clear-pins').addEventListener('click', () => { pins = []; draw(); showPins(); });

  // ---- the side panel -------------------------------------------------------------------------
  function describeModel() {
    const rows = [['model', info.name], ['architecture', info.architecture],
      ['shapes', `${info.input_shape} → code ${info.code_size} → ${info.output_shape}`],
      ['kind', info.variational ? 'variational (the code is the mean)' : 'autoencoder'],
      ['data', `${info.data} (${info.points} points)`]];
    if (info.metrics) { // the test evaluation `train` reports, on the shown samples
      const m = info.metrics;
      rows.push(['loss', m.loss.toFixed(3)], ['recon', m.recon.toFixed(3)]);
      if (m.neg_elbo !== undefined) rows.push(['KL', m.kl.toFixed(3)], ['−ELBO', m.neg_elbo.toFixed(3)]);
      rows.push(['MSE per value', m.mse_per_value.toExponential(3)]);
    }
    rows.push(['checkpoint', info.checkpoint], ['backend', info.backend]);
    $('model').replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = k; dd.textContent = v;
      return [dt, dd];
    }));
    $('plane-note').textContent = info.plane.kind === 'pca'
      ? `The code has ${info.code_size} values: the plane shown is its first two principal components `
        + `(x ${(100 * info.plane.explained[0]).toFixed(1)}% of the codes' variance, y `
        + `${(100 * info.plane.explained[1]).toFixed(1)}%); a point of the plane decodes from the code on that plane. `
        + 'Neighbours are nearest in the full code.'
      : 'The plane is the 2-value code itself: x and y are its two values.';
    const labels = [...new Set(pts.label)].sort((a, b) => a - b);
    $('legend').replaceChildren(...labels.map(l => {
      const s = document.createElement('span');
      s.textContent = labelName(l);
      s.style.setProperty('--c', colour(l));
      return s;
    }));
  }

  (async () => {
    try {
      info = await json('/api/info');
      const p = await json('/api/points');
      pts = { n: p.x.length, x: Float64Array.from(p.x), y: Float64Array.from(p.y), label: p.label, classes: p.classes };
      $('grid-size').max = info.limits.grid;
      fit();
      draw();
      describeModel();
      ready = `${info.name}: ${pts.n} points`;
      status(ready);
      // For scripts and tests: where point i is drawn, in canvas pixels.
      window.bottleneckExplorer = { screenOf: i => toScreen(pts.x[i], pts.y[i]), size: () => pts.n };
      document.body.dataset.ready = 'true';
    } catch (e) {
      status('cannot load the explorer: ' + e.message, true);
    }
  })();
})();
