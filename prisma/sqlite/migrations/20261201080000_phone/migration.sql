-- CreateTable
CREATE TABLE "Trunk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER,
    "transport" TEXT NOT NULL DEFAULT 'udp',
    "username" TEXT,
    "password" TEXT,
    "callerId" TEXT NOT NULL,
    "allowFrom" TEXT NOT NULL DEFAULT '[]',
    "register" BOOLEAN NOT NULL DEFAULT false,
    "localPort" INTEGER NOT NULL DEFAULT 0,
    "presenceSecret" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Trunk_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrunkDid" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "trunkId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "queueId" TEXT,
    "language" TEXT,
    CONSTRAINT "TrunkDid_trunkId_fkey" FOREIGN KEY ("trunkId") REFERENCES "Trunk" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PhoneCall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "trunkId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "did" TEXT,
    "channelId" TEXT,
    "callId" TEXT,
    "requestId" TEXT,
    "status" TEXT NOT NULL,
    "endReason" TEXT,
    "sipStatus" INTEGER,
    "sipCallId" TEXT,
    "dialog" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" DATETIME,
    "endedAt" DATETIME,
    CONSTRAINT "PhoneCall_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VisitorPhone" (
    "visitorId" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "fallback" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "VisitorPhone_visitorId_fkey" FOREIGN KEY ("visitorId") REFERENCES "Visitor" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Trunk_tenantId_name_key" ON "Trunk"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "TrunkDid_number_key" ON "TrunkDid"("number");

-- CreateIndex
CREATE INDEX "TrunkDid_tenantId_idx" ON "TrunkDid"("tenantId");

-- CreateIndex
CREATE INDEX "PhoneCall_status_idx" ON "PhoneCall"("status");

-- CreateIndex
CREATE INDEX "PhoneCall_channelId_idx" ON "PhoneCall"("channelId");

-- CreateIndex
CREATE INDEX "PhoneCall_tenantId_createdAt_idx" ON "PhoneCall"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "VisitorPhone_tenantId_number_idx" ON "VisitorPhone"("tenantId", "number");


