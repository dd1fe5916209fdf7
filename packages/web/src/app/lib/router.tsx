// The messenger's router: paths live under /app/ (the server answers every /app/* path with the app).
import { createRouter } from '../../shared/router';

export { match } from '../../shared/router';
const router = createRouter('/app');
export const { useLocation, href, navigate, Link } = router;
