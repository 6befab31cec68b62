import { Breadcrumbs, type Crumb } from './breadcrumbs.js';

export function NotFound({ what, crumbs }: { what: string; crumbs?: Crumb[] }) {
  return (
    <section>
      <Breadcrumbs
        crumbs={
          crumbs ?? [{ label: 'Project', route: { view: 'project' } }, { label: 'Not found' }]
        }
      />
      <div className="panel empty" role="alert">
        There is no {what} in this plan. <a href="#/">Back to the project</a>
      </div>
    </section>
  );
}
