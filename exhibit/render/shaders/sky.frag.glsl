#version 130
// Sky: the colours of sky.vert.glsl, and the sun's (or moon's) disc, too small for
// the dome's vertices, drawn here.
uniform vec3 u_sun_dir;
in vec3 v_dir;
in vec3 v_sky;
in vec3 v_disc;
in float v_show;
out vec4 o_color;

void main() {
    vec3 d = normalize(v_dir);
    d.z = abs(d.z);
    float disc = smoothstep(0.99955, 0.99975, dot(d, u_sun_dir));
    o_color = vec4(mix(v_sky, v_disc, disc * v_show), 1.0);
}
