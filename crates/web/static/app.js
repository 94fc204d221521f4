// Starts the NHS.UK design system's progressive enhancements. Every core flow works without it.
import { initAll } from '/assets/nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
