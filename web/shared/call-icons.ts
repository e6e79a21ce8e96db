/** Icons of the call controls: 20px line drawings in the current text colour. */
import { svg, type SVGTemplateResult } from 'lit'

const icon = (body: SVGTemplateResult) =>
  svg`<svg width="20" height="20" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${body}</svg>`

export const micIcon = icon(svg`<rect x="7" y="2.5" width="6" height="10" rx="3" /><path d="M4.5 9.5a5.5 5.5 0 0 0 11 0M10 15v2.5" />`)

export const micOffIcon = icon(
  svg`<path d="M13 8.5V5.5a3 3 0 0 0-5.6-1.5M7 7.5v2a3 3 0 0 0 4.6 2.5M4.5 9.5a5.5 5.5 0 0 0 9 4.2M15.5 9.5c0 .5 0 1-.2 1.4M10 15v2.5M3 3l14 14" />`,
)

export const cameraIcon = icon(svg`<rect x="2.5" y="5.5" width="10.5" height="9" rx="2" /><path d="M13 9l4.5-2.5v7L13 11" />`)

export const cameraOffIcon = icon(svg`<path d="M9 5.5h2a2 2 0 0 1 2 2V9l4.5-2.5v7L14 11.5M13 14.5H4.5a2 2 0 0 1-2-2v-5a2 2 0 0 1 1.5-2M3 3l14 14" />`)

export const screenIcon = icon(svg`<rect x="2.5" y="3.5" width="15" height="10" rx="1.5" /><path d="M7 17h6M10 13.5V17M7.5 9.5 10 7l2.5 2.5" />`)

export const devicesIcon = icon(svg`<path d="M4 5h12M4 10h12M4 15h12" /><circle cx="7" cy="5" r="1.6" fill="currentColor" /><circle cx="13" cy="10" r="1.6" fill="currentColor" /><circle cx="8" cy="15" r="1.6" fill="currentColor" />`)

export const hangupIcon = icon(svg`<path d="M2.5 11.5c4.3-4 10.7-4 15 0l-1.8 2.2-3-1.2v-2.2a8 8 0 0 0-5.4 0v2.2l-3 1.2z" fill="currentColor" />`)

export const phoneIcon = icon(svg`<path d="M5 2.8h2.6l1.3 3.4-1.8 1.2a9 9 0 0 0 5.5 5.5l1.2-1.8 3.4 1.3V15a2.2 2.2 0 0 1-2.3 2.2C8.4 16.8 3.2 11.6 2.8 5.1A2.2 2.2 0 0 1 5 2.8z" />`)
