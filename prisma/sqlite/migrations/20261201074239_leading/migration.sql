-- AlterTable
ALTER TABLE "Agent" ADD COLUMN "avatarUrl" TEXT;

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN "leaderId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Participant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "agentId" TEXT,
    "visitorId" TEXT,
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leftAt" DATETIME,
    "ackedSeq" INTEGER NOT NULL DEFAULT 0,
    "silent" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Participant_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Participant" ("ackedSeq", "agentId", "channelId", "id", "joinedAt", "leftAt", "role", "visitorId") SELECT "ackedSeq", "agentId", "channelId", "id", "joinedAt", "leftAt", "role", "visitorId" FROM "Participant";
DROP TABLE "Participant";
ALTER TABLE "new_Participant" RENAME TO "Participant";
CREATE INDEX "Participant_channelId_idx" ON "Participant"("channelId");
CREATE INDEX "Participant_agentId_leftAt_idx" ON "Participant"("agentId", "leftAt");
CREATE INDEX "Participant_visitorId_leftAt_idx" ON "Participant"("visitorId", "leftAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


