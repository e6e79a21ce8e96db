/**
 * `<parley-login-form>`: tenant, email and password. Remembers the last tenant and email
 * in localStorage (never the password).
 */
import { LitElement, css, html, nothing } from 'lit'
import type { AgentView } from '../protocol/views.js'
import { ApiError, login } from './agent-api.js'
import { baseStyles } from './console-styles.js'

const TENANT_KEY = 'parley-agent:last-tenant'
const EMAIL_KEY = 'parley-agent:last-email'

function remembered(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback
  } catch {
    return fallback
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value)
  } catch {
    // storage blocked: the form just starts empty next time
  }
}

/** Detail of the `login` event. */
export interface LoginDetail {
  agent: AgentView
}

/**
 * @fires login - CustomEvent<LoginDetail>: the agent logged in (the session cookie is set)
 */
export class LoginForm extends LitElement {
  static override properties = {
    notice: { type: String },
    error: { state: true },
    busy: { state: true },
  }

  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: 100%;
        background: var(--p-bg);
        padding: 24px;
      }
      form {
        width: 360px;
        background: var(--p-surface);
        border: 1px solid var(--p-border);
        border-radius: 10px;
        padding: 28px 28px 24px;
        box-shadow: 0 8px 24px rgba(31, 35, 40, 0.08);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 4px;
      }
      .logo {
        width: 28px;
        height: 28px;
        border-radius: 7px;
        background: var(--p-primary);
        color: #fff;
        font-weight: 700;
        display: grid;
        place-items: center;
      }
      h1 {
        font-size: 18px;
        margin: 0;
      }
      p.sub {
        margin: 0 0 20px;
        color: var(--p-text-muted);
      }
      label {
        display: block;
        font-weight: 600;
        margin: 12px 0 4px;
      }
      input {
        width: 100%;
        padding: 8px 10px;
      }
      button.primary {
        width: 100%;
        margin-top: 20px;
        padding: 8px 12px;
      }
      .message {
        margin-top: 14px;
        padding: 8px 10px;
        border-radius: var(--p-radius);
      }
      .message.error {
        background: var(--p-danger-soft);
        border: 1px solid #ffcecb;
      }
      .message.notice {
        background: var(--p-primary-soft);
        border: 1px solid #c8dafc;
      }
    `,
  ]

  /** Shown above the form, e.g. why the agent was sent back here. */
  notice = ''
  /** The last login failure. */
  error = ''
  /** A login request is in flight. */
  busy = false
  private readonly tenant = remembered(TENANT_KEY, 'demo')
  private readonly email = remembered(EMAIL_KEY, '')

  override render() {
    return html`
      <form @submit=${this.submit} novalidate>
        <div class="brand"><span class="logo" aria-hidden="true">P</span><h1>Parley agent console</h1></div>
        <p class="sub">Sign in to answer your visitors.</p>
        ${this.notice && !this.error ? html`<div class="message notice" role="status">${this.notice}</div>` : nothing}
        <label for="tenant">Company (tenant)</label>
        <input id="tenant" name="tenant" data-test="login-tenant" autocomplete="organization" required .value=${this.tenant} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" data-test="login-email" autocomplete="username" required .value=${this.email} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" data-test="login-password" autocomplete="current-password" required />
        <button class="primary" type="submit" data-test="login-submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
        ${this.error ? html`<div class="message error" role="alert" data-test="login-error">${this.error}</div>` : nothing}
      </form>
    `
  }

  override firstUpdated(): void {
    const first = this.email ? 'password' : 'email'
    this.renderRoot.querySelector<HTMLInputElement>(`#${first}`)?.focus()
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (this.busy) return
    const form = event.currentTarget as HTMLFormElement
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value
    const tenant = value('tenant').trim()
    const email = value('email').trim()
    const password = value('password')
    if (!tenant || !email || !password) {
      this.error = !tenant ? 'Please enter your company (tenant).' : !email ? 'Please enter your email.' : 'Please enter your password.'
      return
    }
    this.busy = true
    this.error = ''
    try {
      const agent = await login({ tenant, email, password })
      remember(TENANT_KEY, tenant)
      remember(EMAIL_KEY, email)
      this.dispatchEvent(new CustomEvent<LoginDetail>('login', { detail: { agent }, bubbles: true, composed: true }))
    } catch (error) {
      this.error = describe(error)
      const passwordInput = form.elements.namedItem('password') as HTMLInputElement
      passwordInput.select()
      passwordInput.focus()
    } finally {
      this.busy = false
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message // already names the failing field
  return 'Could not sign in. Please try again.'
}

customElements.define('parley-login-form', LoginForm)

declare global {
  interface HTMLElementTagNameMap {
    'parley-login-form': LoginForm
  }
}
