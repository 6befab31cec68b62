import { hrefFor, type Route } from '../routing/routes.js';

export interface Crumb {
  label: string;
  route?: Route;
}

export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        {crumbs.map((crumb, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={crumb.route ? hrefFor(crumb.route) : `here:${crumb.label}`}>
              {last || !crumb.route ? (
                <span aria-current={last ? 'page' : undefined}>{crumb.label}</span>
              ) : (
                <a href={hrefFor(crumb.route)}>{crumb.label}</a>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
