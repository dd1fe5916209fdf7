// The console's router: paths live under /console/ (the server answers every /console/* path with the
// app). After navigation the focus moves to the new page's heading (hooks/use-focus-heading.ts).
import { createRouter } from '../../shared/router';

export { match } from '../../shared/router';
const router = createRouter('/console');
export const { useLocation, href, navigate, setQueryParam, Link } = router;
