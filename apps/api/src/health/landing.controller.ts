import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../http/auth/auth.guard';

/** Where a newcomer goes first; plain HTML (the content security policy allows no script or style). */
const LANDING = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CareTrail API</title></head>
<body>
<h1>CareTrail API</h1>
<p>The backend of clinics that combine psychotherapy with medication management. Every request needs a
bearer token: <code>npm run -s cli -- token --user dr-theo --role therapist</code> prints one.</p>
<ul>
<li><a href="/docs">API console</a>: every endpoint, with examples; press Authorize and paste the token</li>
<li><a href="/admin/">Admin console</a>: read models, parked events, patient histories, the access log, the Kafka relay (admins)</li>
<li><a href="/docs-json">OpenAPI document</a></li>
<li><a href="/asyncapi.json">AsyncAPI document</a>: the events published to Kafka</li>
<li><a href="/health">Health</a></li>
</ul>
<p>The README's "Try it: a week of care" walks through a first week, step by step.</p>
</body>
</html>
`;

/** GET /: a small page linking the API console, the admin console, the API documents and health; it shows no data. */
@ApiExcludeController()
@Public()
@Controller()
export class LandingController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  landing(): string {
    return LANDING;
  }
}
