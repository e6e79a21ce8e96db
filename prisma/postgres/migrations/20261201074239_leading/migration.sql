-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "avatarUrl" TEXT;

-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "leaderId" TEXT;

-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "silent" BOOLEAN NOT NULL DEFAULT false;


