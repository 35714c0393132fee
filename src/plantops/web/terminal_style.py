"""The terminal's look: large targets (56 px and more), text readable at arm's length, the
plant's colours (shell.frame). Plain CSS for the elements static/terminal.js draws, which
are its own, not NiceGUI's."""

STYLE = """
[data-terminal] [hidden], .pt-pad [hidden] { display: none !important; }
[data-terminal] { font-size: 1.125rem; }
.terminal-picker { min-width: min(30rem, 100%); font-size: 1.25rem; }
.terminal-picker .q-field__control { min-height: 64px; }
.terminal-options .q-item { min-height: 56px; font-size: 1.2rem; }
.pt-grid {
  display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  align-items: start;
}
@media (max-width: 1000px) { .pt-grid { grid-template-columns: minmax(0, 1fr); } }
.pt-panel, .pt-dispatch { display: flex; flex-direction: column; gap: 12px; }
.pt-panel { position: sticky; top: 72px; }
.pt-dispatch h2, .pt-pad h2 { font-size: 1.35rem; font-weight: 600; color: #1f3a5f; margin: 0; }
.pt-pad h3 { font-size: 1.15rem; font-weight: 600; margin: 8px 0; }
.pt-hint { color: #444; margin: 0; }
.pt-sync { border-radius: 8px; padding: 12px 16px; font-weight: 600; margin-bottom: 12px; }
.pt-sync--ok { background: #e8f5e9; color: #1b5e20; }
.pt-sync--waiting { background: #fff4e0; color: #7a4500; border: 2px solid #e09b2d; }
.pt-trouble {
  display: flex; gap: 16px; align-items: center; justify-content: space-between;
  background: #b3261e; color: #fff; border-radius: 8px; padding: 12px 16px;
  margin-bottom: 12px; font-weight: 600;
}
.pt-line {
  display: grid; grid-template-columns: 1fr auto; gap: 4px 12px; text-align: left; width: 100%;
  min-height: 72px; padding: 12px 16px; border: 2px solid #c5cfdb; border-radius: 10px;
  background: #fff; font: inherit; color: inherit; cursor: pointer;
}
.pt-line[aria-pressed="true"] {
  border-color: #1f3a5f; background: #e6eef8; box-shadow: inset 6px 0 0 #1f3a5f;
}
.pt-line-main { font-weight: 600; font-size: 1.2rem; }
.pt-line-sub { grid-column: 1 / -1; color: #444; font-size: 1rem; }
.pt-chip {
  align-self: start; border-radius: 999px; padding: 2px 12px; font-size: 0.95rem;
  font-weight: 600; background: #e0e0e0; color: #333; white-space: nowrap;
}
.pt-chip--ready { background: #dbe9f7; color: #1f3a5f; }
.pt-chip--in_progress { background: #2e7d32; color: #fff; }
.pt-chip--paused { background: #e09b2d; color: #222; }
.pt-chip--completed { background: #1f3a5f; color: #fff; }
.pt-chip--waiting_for_material { background: #f3d6d4; color: #7a1c15; }
.pt-op, .pt-center {
  border: 2px solid #c5cfdb; border-radius: 12px; padding: 16px; background: #fff;
  display: flex; flex-direction: column; gap: 12px;
}
.pt-op-head { display: flex; justify-content: space-between; gap: 12px; align-items: start; }
.pt-op-title { font-size: 1.6rem; font-weight: 700; color: #1f3a5f; line-height: 1.2; }
.pt-op-sub { color: #444; }
.pt-qty { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px; }
.pt-figure { background: #f3f6fa; border-radius: 8px; padding: 6px 8px; text-align: center; }
.pt-figure span { display: block; font-size: 0.9rem; color: #444; }
.pt-figure strong { font-size: 1.5rem; }
.pt-actions { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
.pt-btn {
  min-height: 64px; min-width: 64px; padding: 8px 16px; border: 0; border-radius: 10px;
  font: inherit; font-size: 1.25rem; font-weight: 600; cursor: pointer; text-decoration: none;
  display: inline-flex; align-items: center; justify-content: center;
  touch-action: manipulation;
}
.pt-btn--go { background: #2e7d32; color: #fff; }
.pt-btn--warn { background: #e09b2d; color: #222; }
.pt-btn--primary { background: #1f3a5f; color: #fff; }
.pt-btn--stop { background: #b3261e; color: #fff; }
.pt-btn--light { background: #eef2f7; color: #1f3a5f; border: 2px solid #c5cfdb; }
/* after the colours: a button that cannot be tapped now must not look as if it could */
.pt-btn:disabled {
  background: #e4e7eb; color: #7b8591; border: 2px dashed #b8c0ca; box-shadow: none;
  cursor: not-allowed;
}
.pt-center { flex-direction: row; justify-content: space-between; align-items: center; }
.pt-state { font-size: 1.25rem; font-weight: 700; }
.pt-state--running { color: #2e7d32; }
.pt-state--down { color: #b3261e; }
.pt-state--setup, .pt-state--planned_stop { color: #7a4500; }
.pt-log-title { font-weight: 600; color: #1f3a5f; margin-bottom: 4px; }
.pt-log {
  list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px;
  font-size: 1rem;
}
.pt-log li {
  display: flex; justify-content: space-between; gap: 8px; border-bottom: 1px solid #e3e8ef;
  padding: 4px 0;
}
.pt-log .pt-log--refused { color: #b3261e; }
.pt-log .pt-log--waiting { color: #7a4500; }
.pt-pad {
  position: fixed; inset: 0; z-index: 7000; background: rgba(20, 30, 45, 0.55); display: flex;
  align-items: center; justify-content: center; padding: 16px;
}
.pt-pad-box {
  background: #fff; border-radius: 14px; padding: 20px; width: min(960px, 100%);
  max-height: 100%; overflow: auto; display: flex; flex-direction: column; gap: 14px;
  font-size: 1.125rem;
}
.pt-reasons {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px;
}
.pt-reason {
  min-height: 72px; padding: 8px 12px; border: 2px solid #c5cfdb; border-radius: 10px;
  background: #f7f9fc; font: inherit; text-align: left; cursor: pointer; display: flex;
  flex-direction: column; gap: 2px; touch-action: manipulation;
}
.pt-reason[aria-pressed="true"] {
  border-color: #1f3a5f; background: #dbe9f7; box-shadow: inset 0 0 0 2px #1f3a5f;
}
.pt-reason strong { color: #1f3a5f; }
.pt-counter {
  display: grid; grid-template-columns: 7rem 64px minmax(0, 12rem) 64px; gap: 10px;
  align-items: center;
}
.pt-counter label { font-size: 1.3rem; font-weight: 600; }
.pt-counter input {
  height: 64px; font-size: 2rem; text-align: center; border: 2px solid #c5cfdb;
  border-radius: 10px; width: 100%;
}
.pt-message { color: #b3261e; font-weight: 600; margin: 0; min-height: 1.5em; }
.pt-pad-foot { display: flex; justify-content: flex-end; gap: 12px; }
.pt-pad-foot .pt-btn { min-width: 10rem; }
"""
