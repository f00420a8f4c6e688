/** Small stroke icons for the transport bar, drawn in currentColor at 16 px. */
import type { ReactNode } from 'react';

function Icon({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <svg className="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden={label ? undefined : true} role={label ? 'img' : undefined} aria-label={label}>
      {children}
    </svg>
  );
}

export const PlayIcon = () => (
  <Icon>
    <path d="M4.5 2.8v10.4L13 8z" fill="currentColor" />
  </Icon>
);

export const PauseIcon = () => (
  <Icon>
    <rect x="3.5" y="2.8" width="3" height="10.4" rx="0.6" fill="currentColor" />
    <rect x="9.5" y="2.8" width="3" height="10.4" rx="0.6" fill="currentColor" />
  </Icon>
);

export const StepBackIcon = () => (
  <Icon>
    <rect x="3" y="3" width="1.8" height="10" rx="0.5" fill="currentColor" />
    <path d="M13 3v10L6 8z" fill="currentColor" />
  </Icon>
);

export const StepForwardIcon = () => (
  <Icon>
    <rect x="11.2" y="3" width="1.8" height="10" rx="0.5" fill="currentColor" />
    <path d="M3 3v10l7-5z" fill="currentColor" />
  </Icon>
);

export const FirstIcon = () => (
  <Icon>
    <rect x="2.5" y="3" width="1.8" height="10" rx="0.5" fill="currentColor" />
    <path d="M9 3v10L4.8 8zM14 3v10L9.8 8z" fill="currentColor" />
  </Icon>
);

export const LastIcon = () => (
  <Icon>
    <rect x="11.7" y="3" width="1.8" height="10" rx="0.5" fill="currentColor" />
    <path d="M2 3v10l4.2-5zM7 3v10l4.2-5z" fill="currentColor" />
  </Icon>
);

export const LoopIcon = () => (
  <Icon>
    <path d="M3 7.5V7a3 3 0 0 1 3-3h6.5M13 8.5V9a3 3 0 0 1-3 3H3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    <path d="M11 2l2 2-2 2M5 10l-2 2 2 2" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </Icon>
);

export const ContrastIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    <path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor" />
  </Icon>
);

/** A cone beam over a cube: the reconstruction call to action. */
export const ConeBeamIcon = () => (
  <svg className="icon icon-large" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
    <circle cx="5" cy="5" r="2" fill="currentColor" />
    <path d="M6.2 6.6L15 24M6.6 6.2L24 15" fill="none" stroke="currentColor" strokeWidth="1.2" opacity="0.7" />
    <path d="M14 12l6-3 6 3v7l-6 3-6-3z M14 12l6 3 6-3 M20 15v7" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
  </svg>
);
