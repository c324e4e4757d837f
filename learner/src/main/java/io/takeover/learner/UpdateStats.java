package io.takeover.learner;

/** What one gradient step measured. */
public record UpdateStats(float criticLoss, float actorLoss, float meanQ, float alpha, float entropy) {}
