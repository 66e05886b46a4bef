/** The standalone verifier page: one HTML file, opened from disk, no network (see the CSP). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StandalonePage } from '../src/reserves/StandalonePage.tsx';
import '../src/styles.css';
import '../src/reserves/reserves.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StandalonePage />
  </StrictMode>,
);
