import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { preloadStateSource } from './data/state-source.js';
import './styles.css';

// The state is asked for before the first render, not after it.
preloadStateSource();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
