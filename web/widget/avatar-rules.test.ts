import { describe, expect, it } from 'vitest'
import { avatarFor, globMatches } from './avatar-rules.js'

const site = {
  monitoringNotice: '',
  avatarRules: [
    { pattern: '*/products/helmet-*', avatarUrl: '/avatars/safety-expert.svg' },
    { pattern: '*/products/*', avatarUrl: 'https://cdn.example/bikes.png' },
  ],
}

describe('avatar rules', () => {
  it('matches whole URLs with * as a wildcard, literally otherwise', () => {
    expect(globMatches('*/products/*', 'https://shop.example/products/x')).toBe(true)
    expect(globMatches('*/products/*', 'https://shop.example/cart')).toBe(false)
    expect(globMatches('https://shop.example/a.b', 'https://shop.example/aXb')).toBe(false)
  })
  it('takes the first matching rule, resolving paths against Parley', () => {
    expect(avatarFor(site, 'https://shop.example/products/helmet-aero', null, 'https://parley.example')).toBe('https://parley.example/avatars/safety-expert.svg')
    expect(avatarFor(site, 'https://shop.example/products/trail-x1', null, 'https://parley.example')).toBe('https://cdn.example/bikes.png')
  })
  it('falls back to the agent’s own picture, and refuses other schemes', () => {
    expect(avatarFor(site, 'https://shop.example/cart', 'https://cdn.example/anna.jpg', 'https://parley.example')).toBe('https://cdn.example/anna.jpg')
    expect(avatarFor(undefined, 'https://shop.example/', null, 'https://parley.example')).toBeNull()
    expect(avatarFor(undefined, 'https://shop.example/', 'javascript:alert(1)', 'https://parley.example')).toBeNull()
  })
})
