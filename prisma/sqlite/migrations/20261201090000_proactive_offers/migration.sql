-- AlterTable
ALTER TABLE "Visitor" ADD COLUMN "contactMode" TEXT;

-- CreateTable
CREATE TABLE "OfferRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "definition" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OfferRule_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ShopperCart" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "visitorId" TEXT,
    "externalId" TEXT,
    "state" TEXT NOT NULL DEFAULT '{}',
    "pageUrl" TEXT,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ShopperCart_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ShopperCart_visitorId_fkey" FOREIGN KEY ("visitorId") REFERENCES "Visitor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProactiveOffer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "ruleId" TEXT,
    "ruleName" TEXT NOT NULL,
    "visitorId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "modes" TEXT NOT NULL,
    "mode" TEXT,
    "agentId" TEXT,
    "requestId" TEXT,
    "channelId" TEXT,
    "cartValue" REAL NOT NULL,
    "currency" TEXT,
    "charge" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "respondedAt" DATETIME,
    "orderCompletedAt" DATETIME,
    "orderId" TEXT,
    "orderValue" REAL,
    CONSTRAINT "ProactiveOffer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProactiveOffer_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "OfferRule" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ProactiveOffer_visitorId_fkey" FOREIGN KEY ("visitorId") REFERENCES "Visitor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "OfferRule_tenantId_idx" ON "OfferRule"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopperCart_visitorId_key" ON "ShopperCart"("visitorId");

-- CreateIndex
CREATE INDEX "ShopperCart_tenantId_lastActivityAt_idx" ON "ShopperCart"("tenantId", "lastActivityAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShopperCart_tenantId_externalId_key" ON "ShopperCart"("tenantId", "externalId");

-- CreateIndex
CREATE INDEX "ProactiveOffer_tenantId_createdAt_idx" ON "ProactiveOffer"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "ProactiveOffer_visitorId_createdAt_idx" ON "ProactiveOffer"("visitorId", "createdAt");

-- CreateIndex
CREATE INDEX "ProactiveOffer_requestId_idx" ON "ProactiveOffer"("requestId");


