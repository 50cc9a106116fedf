// The widget's stylesheet, scoped by its shadow root: host-page CSS cannot reach in and ours
// cannot leak out. `--accent` comes from `data-accent`; everything else is fixed.
export const styles = `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
.root{--accent:#4338ca;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2330;-webkit-font-smoothing:antialiased}
button{font:inherit;cursor:pointer}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border:0;border-radius:50%;background:var(--accent);color:#fff;box-shadow:0 6px 24px rgba(15,23,42,.25);display:grid;place-items:center;transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher svg{width:26px;height:26px}
.launcher .i-close,.open .launcher .i-chat{display:none}
.open .launcher .i-close{display:block}
.badge{position:absolute;top:-3px;right:-3px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e11d48;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center}
.badge[hidden]{display:none}
.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:380px;max-width:calc(100vw - 40px);height:min(620px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;border-radius:16px;box-shadow:0 16px 48px rgba(15,23,42,.24);overflow:hidden;animation:pop .18s ease-out}
.panel[hidden]{display:none}
@keyframes pop{from{opacity:0;transform:translateY(12px) scale(.98)}}
header{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 20px;background:var(--accent);color:#fff}
h2{margin:0;font-size:16px;font-weight:600;line-height:1.3}
.status{margin:2px 0 0;font-size:12.5px;opacity:.92;display:flex;align-items:center;gap:6px}
.dot{width:8px;height:8px;border-radius:50%;background:#cbd5e1}
[data-status=online] .dot{background:#4ade80}
[data-status=connecting] .dot{background:#fbbf24}
[data-status=unavailable] .dot{background:#f87171}
.close{margin-left:auto;width:36px;height:36px;border:0;border-radius:50%;background:transparent;color:inherit;display:grid;place-items:center}
.close:hover{background:rgba(255,255,255,.16)}
.close svg{width:20px;height:20px}
.log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px 14px;display:flex;flex-direction:column;gap:3px;background:#f6f7f9}
.intro{margin:auto 12px;text-align:center;color:#596070}
.intro:not(:last-child){margin:0 12px 8px}
.row{display:flex;flex-direction:column;align-items:flex-start;max-width:84%}
.row.first{margin-top:10px}
.row.visitor{align-self:flex-end;align-items:flex-end}
.row.system{align-self:center;align-items:center;max-width:92%}
.who{margin:0 0 3px 6px;font-size:12px;color:#596070}
.bubble{padding:9px 13px;border:1px solid #e3e6ec;border-radius:16px;background:#fff;white-space:pre-wrap;overflow-wrap:anywhere}
.bot .bubble,.agent .bubble{border-bottom-left-radius:5px}
.visitor .bubble{background:var(--accent);border-color:transparent;color:#fff;border-bottom-right-radius:5px}
.system .bubble{padding:4px 8px;border:0;background:none;color:#596070;font-size:12.5px;text-align:center}
.bubble a{color:inherit}
[data-status=pending] .bubble{opacity:.62}
[data-status=failed] .bubble{background:#fff;border-color:#fca5a5;color:#991b1b}
.meta{margin:3px 6px 0;font-size:11.5px;color:#6b7280}
.meta button{padding:0;border:0;background:none;color:#b91c1c;text-decoration:underline}
.handoff{display:flex;align-items:center;gap:8px;margin:0;padding:7px 16px;border-top:1px solid #e3e6ec;background:#fff;color:#374151;font-size:12.5px}
.handoff[hidden]{display:none}
.mark{flex:none;width:8px;height:8px;border-radius:50%;background:#94a3b8}
[data-tone=waiting] .mark{background:#f59e0b;animation:pulse 1.4s ease-in-out infinite}
[data-tone=joined] .mark{background:#22c55e}
@keyframes pulse{50%{opacity:.35}}
.notice{margin:0;padding:8px 16px;background:#fef3c7;color:#78350f;font-size:13px}
.typing{margin:0;padding:0 16px;min-height:0;color:#596070;font-size:12.5px;font-style:italic;background:#f6f7f9}
.typing:not(:empty){padding:2px 16px 6px}
.rate{margin:0;padding:8px 14px 10px;border:0;border-top:1px solid #e3e6ec;background:#fff;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.rate[hidden],.human-bar[hidden]{display:none}
.rate legend{float:left;width:100%;padding:0 0 4px;font-size:13px;color:#374151}
.rate button{flex:1;min-width:44px;height:36px;border:1px solid #cfd4dc;border-radius:10px;background:#fff;color:#1f2330}
.rate button:hover{border-color:var(--accent);color:var(--accent)}
.human-bar{margin:0;padding:8px 12px 0;background:#fff;border-top:1px solid #e3e6ec}
.human{padding:5px 12px;border:1px solid var(--accent);border-radius:16px;background:#fff;color:var(--accent);font-size:13px;font-weight:600}
.human:hover{background:color-mix(in srgb,var(--accent) 8%,#fff)}
.notice[hidden]{display:none}
form{display:flex;align-items:flex-end;gap:8px;margin:0;padding:10px 12px;border-top:1px solid #e3e6ec;background:#fff}
.human-bar:not([hidden])+form{border-top:0}
textarea{flex:1;min-height:40px;max-height:128px;margin:0;padding:9px 12px;border:1px solid #cfd4dc;border-radius:12px;background:#fff;color:inherit;font:inherit;font-size:15px;line-height:1.4;resize:none}
textarea:focus{border-color:var(--accent);outline:0;box-shadow:0 0 0 3px color-mix(in srgb,var(--accent) 22%,transparent)}
.send{flex:none;width:40px;height:40px;border:0;border-radius:50%;background:var(--accent);color:#fff;display:grid;place-items:center}
.send svg{width:18px;height:18px}
button:focus-visible{outline:3px solid #0f172a;outline-offset:2px}
header button:focus-visible{outline-color:#fff}
footer{padding:0 0 8px;background:#fff;color:#9aa1ae;font-size:11px;text-align:center}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel{inset:0;width:auto;max-width:none;height:auto;border-radius:0}.open .launcher{display:none}textarea{font-size:16px}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;
