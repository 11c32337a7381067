import { useEffect } from 'react';

/** Names the browser tab after the page: its parts from the most to the least specific, joined by " · ". */
export function useDocumentTitle(...parts: string[]) {
  const title = parts.join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
