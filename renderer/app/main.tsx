/** Bootstrap: bridge → typed client → RootStore → React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridge } from '../ipc/createBridge';
import { LumenClient } from '../ipc/LumenClient';
import { RootStore } from '../stores/RootStore';
import { App } from './App';
import { StoreContext } from './StoreContext';
import './styles.css';

const store = new RootStore(new LumenClient(createBridge()));
void store.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
