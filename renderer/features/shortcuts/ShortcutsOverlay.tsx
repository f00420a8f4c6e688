/** The `?` help: every keyboard shortcut, grouped. */
import { useStores } from '../../app/StoreContext';
import { SHORTCUT_GROUPS } from './shortcutList';

export function ShortcutsOverlay() {
  const { layout } = useStores();
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && layout.close()}>
      <div className="modal shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-overlay">
        <header className="modal-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button className="btn btn-ghost" onClick={layout.close} aria-label="Close">
            ×
          </button>
        </header>
        <div className="shortcut-groups">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title}>
              <h3>{group.title}</h3>
              <dl>
                {group.shortcuts.map((s) => (
                  <div className="shortcut-row" key={s.action}>
                    <dt>
                      {s.keys.map((k) => (
                        <kbd key={k}>{k}</kbd>
                      ))}
                    </dt>
                    <dd>{s.action}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
