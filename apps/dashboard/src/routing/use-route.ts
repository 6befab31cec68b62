import { useEffect, useState } from 'react';
import { parseRoute, type Route } from './routes.js';

const pathOf = (hash: string) => hash.split('?')[0];

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    let path = pathOf(window.location.hash);
    const onChange = () => {
      setRoute(parseRoute(window.location.hash));
      // A new page starts at the top; a filter or sort of the same page keeps the place.
      const next = pathOf(window.location.hash);
      if (next !== path) window.scrollTo?.(0, 0);
      path = next;
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
