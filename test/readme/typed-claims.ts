import { createSession } from 'tokenvault';

const session = createSession<{ tenant: string; roles?: string[] }>({ provider });
const { claims } = session.getSnapshot();
claims?.name;    // string | undefined
claims?.tenant;  // string | undefined
